// The plan: the cheapest deployment that meets a workload's SLOs.
//
// Search: over GPU types (those with a price), GPUs per replica (1, 2, 4, 8, 16), weight precisions
// (the model's own, FP8 where the GPU has FP8 units, NVFP4 where it has FP4 units), KV dtypes (BF16, FP8)
// and layouts (the default, and EP = TP for MoE models). Each candidate that fits is screened with the
// analytic model: the largest concurrency whose steady-state step meets the TPOT target sets a replica's
// capacity (Little's law), replicas = ceil(rate / capacity), and the prefill time must leave room under
// the TTFT target. Candidates are ranked by $/month; the cheapest `finalists` are confirmed with the
// serving simulator (p95 TTFT and TPOT), adding a replica when a percentile misses its target.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "capplan/cost.h"
#include "capplan/error.h"
#include "capplan/hardware.h"
#include "capplan/memory.h"
#include "capplan/model.h"
#include "capplan/perf.h"
#include "capplan/serve.h"
#include "capplan/sim.h"
#include "capplan/work_budget.h"

namespace capplan {

/// Screening margins: the analytic model prices a mean step; p95 percentiles sit above it, so a
/// candidate must meet the targets with this much room before the simulator checks the percentiles.
/// Design choices, not fitted: wide enough that finalists rarely fail simulation, narrow enough not to
/// discard candidates the simulator would accept (docs/plan.md).
inline constexpr double kTpotScreenMargin = 0.85;
inline constexpr double kTtftScreenMargin = 0.6;

/// Bounds on one plan request, so that a server can accept it: its simulations (finalists x up to 4 attempts x
/// sim_requests) and its enumeration stay within seconds. Larger values are refused with kResourceLimit.
inline constexpr int kMaxPlanFinalists = 32;
inline constexpr int64_t kMaxPlanSimRequests = 100'000;
inline constexpr int kMaxPlanReplicas = 4096;
inline constexpr int kMaxPlanGpusPerReplica = 1024;
inline constexpr int64_t kMaxPlanTokensPerRequest = int64_t{1} << 27;  // 134M: beyond any model's context

struct PlanRequest {
  ModelSpec model;
  std::string preset;  // for API prices and the launch command; "" for a file
  std::string hf_id;   // for the launch command
  int64_t input_tokens = 1000;
  int64_t output_tokens = 500;
  double rate_per_second = 15;  // request arrival rate (Poisson)
  Seconds slo_ttft_p95{1.0};
  Seconds slo_tpot_p95{0.050};
  std::vector<std::string> gpus_allowed;  // catalog ids or aliases; empty = every GPU with a price
  QuoteFilter price_filter;               // providers, pricing kinds
  Engine engine = Engine::kVllm;
  std::vector<int> gpus_per_replica = {1, 2, 4, 8, 16};
  int max_replicas = 256;
  int finalists = 4;            // candidates confirmed with the simulator (0 = analytic only)
  int64_t sim_requests = 2000;  // requests per confirming simulation
  uint64_t seed = 1;
  // Pricing beyond on-demand (docs/cost.md). `own` set: every GPU is priced by owning it (OwnCostPerGpuHour);
  // price_filter.kinds selects the other tiers.
  std::optional<OwnInputs> own;
  double cached_input_fraction = 0;  // share of API input tokens billed at the cached rate, [0, 1]
  // The mean rate over the day when a traffic profile sizes the fleet for its peak (rate_per_second): the API
  // comparison and the traffic tiers use this volume. Unset: rate_per_second.
  std::optional<double> volume_rate_per_second;
  WorkBudget* budget = nullptr;  // bounds the confirming simulations (the server sets it; null: no bound)
};

struct LatencyPercentiles {
  Seconds p50, p95, p99;
};

struct CandidateLatency {
  bool simulated = false;  // false: analytic estimate (p50 = p95 = p99 = the mean)
  LatencyPercentiles ttft, tpot, e2e;
  int64_t simulated_requests = 0;  // requests the confirming simulation ran (sized to a step budget)
};

struct Candidate {
  Deployment deployment;                         // deployment.parallel.replicas = replicas needed
  MemoryBudget memory;                           // per GPU, at input + output context
  int concurrency_per_replica = 0;               // sequences running at the workload's rate (analytic)
  int slo_concurrency = 0;                       // the largest concurrency whose step meets the TPOT target
  double replica_capacity_rps = 0;               // requests/s one replica sustains under the SLOs
  double output_tokens_per_second = 0;           // served at the workload's rate, all replicas
  double capacity_output_tokens_per_second = 0;  // at full SLO capacity, all replicas
  CandidateLatency latency;
  GpuQuote quote;         // cheapest provider for all the GPUs
  DeploymentCost cost;    // at the SLO capacity (what the GPUs can serve)
  Dollars usd_per_month;  // 24x7
  bool meets_slo = false;
  std::string note;  // e.g. "simulated p95 TPOT 52 ms > 50 ms with 3 replicas; added one"
};

struct PlanResult {
  std::vector<Candidate> candidates;  // feasible, cheapest first; [0] is the recommendation
  std::vector<size_t> pareto;         // indices on the front of $/month against p95 E2E
  int evaluated = 0;                  // configurations looked at
  int fitting = 0;                    // of which fit in memory
  double tokens_per_month = 0;        // the workload's volume (input + output, 730 h)
  ApiPriceMatch api_match;
  std::vector<ApiComparison> api_comparison;  // against the recommendation (cost.h)
  std::vector<Staleness> api_staleness;       // per api_comparison row, judged on `today`
  std::vector<TrafficTier> tiers;
  /// When no candidate is feasible: why, and what would make it feasible.
  std::string infeasible_reason;
  std::vector<std::string> suggestions;
  bool feasible() const { return !candidates.empty(); }
};

/// Runs the search. `progress` (optional) gets a fraction in [0, 1].
Result<PlanResult> Plan(const PlanRequest& request, const GpuCatalog& gpus, const PriceCatalog& prices, Date today,
                        const std::function<void(double)>& progress = {});

// ReplicaKvTokens and SchedulerFor: serve.h (the one set-up of a simulated deployment).
/// The --max-model-len a plan launches with: input + output rounded up to a multiple of 1024 tokens.
int64_t PlanMaxModelLen(const PlanRequest& r);

/// Monthly token volume (input + output) -> request rate, and back, for a workload's lengths.
double RateFromMonthlyTokens(double tokens_per_month, int64_t input_tokens, int64_t output_tokens);
double MonthlyTokensFromRate(double rate_per_second, int64_t input_tokens, int64_t output_tokens);

}  // namespace capplan
