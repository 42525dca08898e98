// Pieces of Plan() shared by its aggregated (plan.cc) and disaggregated (plan_disagg.cc) searches.
#pragma once

#include <memory>
#include <unordered_map>
#include <vector>

#include "capplan/perf.h"
#include "capplan/search.h"

namespace capplan::plan_internal {

// Replicas are sized so the workload uses at most this fraction of the SLO capacity: Poisson arrivals
// push the running batch above its mean, and the TPOT target is met at the mean.
inline constexpr double kCapacityHeadroom = 0.9;
// Extra replicas (or workers) the simulator may add to a finalist before it is dropped.
inline constexpr int kMaxConfirmRetries = 3;

/// The p95 wait of a prompt for the prefills ahead of it (M/D/1, Kingman's heavy-traffic tail); infinite at rho >= 1.
Seconds PrefillWaitP95(double rate, Seconds prefill);
/// Little's law fixed point: the running batch N at a per-replica rate, N = rate x output x step(N), at most `cap`.
int ConcurrencyAtRate(const RooflineStepTimeModel& model, double rate, const PlanRequest& r, int cap);
/// The cheapest quote for the candidate's GPUs (CandidateGpus) and its cost at the SLO capacity.
Status Price(Candidate& c, const PriceCatalog& prices, const PlanRequest& r);
/// Requests a confirming simulation of `c` runs: --sim-requests, fewer when that many would exceed the step budget.
int64_t SimRequestsFor(const Candidate& c, const PlanRequest& r);
/// A confirming simulation's workload: `requests` Poisson arrivals at the plan's rate, its fixed prompt and answer.
WorkloadSpec ConfirmationWorkload(const PlanRequest& r, int64_t requests);

/// A fitting configuration as a worker of either pool: what the disaggregated search needs of it, computed once.
struct WorkerProfile {
  Deployment deployment;
  MemoryBudget memory;
  std::shared_ptr<const RooflineStepTimeModel> model;
  int cap = 1;            // running sequences the KV pool and the engine allow
  Seconds prefill;        // one prompt on an idle worker
  int decode_slo = 0;     // the largest batch whose decode-only step meets the TPOT screen (0: none)
  double decode_rps = 0;  // requests/s one decode worker sustains at decode_slo
};

/// Profiles `d` (which fits with `memory`; `prefill`: PrefillTime of one prompt) as a prefill and a decode worker.
WorkerProfile ProfileWorker(const PlanRequest& r, const Deployment& d, const MemoryBudget& memory,
                            std::shared_ptr<const RooflineStepTimeModel> model, int cap, Seconds prefill);

/// Screens every prefill x decode pairing of the same GPU, weights and KV dtype, prices the cheapest pairing of each
/// such group and appends it to `out.candidates`; counts the pairings in out.evaluated_disaggregated.
void AddDisaggCandidates(const PlanRequest& r, const std::vector<WorkerProfile>& workers, const PriceCatalog& prices,
                         PlanResult& out);

/// Confirms a disaggregated candidate with the disaggregated simulator; adds prefill workers while p95 TTFT misses
/// and decode workers while p95 TPOT misses (kMaxConfirmRetries), re-pricing; meets_slo false if it still misses.
void ConfirmDisagg(Candidate& c, const PlanRequest& r, const PriceCatalog& prices);

/// Adds an MTP variant of every profiled configuration that passes the screen with speculative decoding (models
/// with MTP layers only; the acceptance from data/perf/speculative.json); counts them in out.evaluated_speculative.
void AddSpecCandidates(const PlanRequest& r, const std::vector<WorkerProfile>& workers, const PriceCatalog& prices,
                       PlanResult& out);

/// The step model a confirming simulation of `c` runs: null unless c.spec, else the speculative step model over
/// `target` (it owns the draft pass's model).
std::unique_ptr<StepTimeModel> SpeculativeModelFor(const Candidate& c, const ModelSpec& m,
                                                   const RooflineStepTimeModel& target);

/// Sets c.tpot_band and c.meets_slo_in_band from c.latency.tpot.p95 (analytic or simulated).
void JudgeErrorBand(Candidate& c, const PlanRequest& r);
/// The note on the recommendation's band (out.candidates sorted, band-meeting ones first).
std::string ErrorBandNote(const PlanRequest& r, const PlanResult& out);

/// A step model that remembers the step times it has answered, exactly by batch shape (the simulator of one
/// confirmation asks the same shapes again: identical requests meet identical batches). Same answers as `inner`.
class CachedStepTimeModel final : public StepTimeModel {
 public:
  explicit CachedStepTimeModel(const StepTimeModel& inner) : inner_(inner) {}
  /// The inner model's time for the shape with its decode context (the KV the decodes read, which grows by one
  /// token per sequence every step, so no two steps would share an exact shape) moved to the centre of its bin:
  /// bins of a power of two tokens, at most 1/512 of the context (at least 8), so the KV read is priced within
  /// 0.1% and a long decode reuses each bin's step for ~width / sequences steps.
  Seconds StepTime(const BatchShape& s) const override;
  static int64_t BinnedContext(int64_t tokens);
  int64_t hits() const { return hits_; }
  int64_t misses() const { return static_cast<int64_t>(cache_.size()); }

 private:
  struct Key {
    int prefill_sequences, decode_sequences;
    int64_t prefill_tokens, prefill_cached_tokens, decode_context_tokens;
    double prefill_attention_pairs;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  const StepTimeModel& inner_;
  mutable std::unordered_map<Key, Seconds, KeyHash> cache_;
  mutable int64_t hits_ = 0;
};

/// Why disaggregation wins or loses (after confirmation; out.candidates sorted).
DisaggVerdict JudgeDisaggregation(const PlanRequest& r, const PlanResult& out);

}  // namespace capplan::plan_internal
