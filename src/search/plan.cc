// Plan(): enumerate, screen analytically, price, confirm the cheapest with the simulator.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "capplan/search.h"
#include "search/plan_internal.h"

namespace capplan {
namespace {

using plan_internal::kCapacityHeadroom;
using plan_internal::kMaxConfirmRetries;
// Simulations are sized to the question, not to a fixed request count: a confirming simulation runs at most about
// this many engine steps (each ~1-3 us of step model), so a 1M-token prompt at 0.1 requests/s is confirmed with
// fewer requests than a chat workload, and the whole plan stays under 2 s on 2 cores (bench/plan_bench.cc).
constexpr double kSimStepBudget = 120'000;
// ...and at most about this many sequence-steps (each running sequence in each step costs the scheduler and the
// metrics their bookkeeping whatever the step model costs): a request is in as many steps as it has output tokens
// plus prompt chunks, so 20,000-token answers are confirmed with ~150 requests, not 2,000 (40M sequence-steps).
constexpr double kSimSequenceStepBudget = 3'000'000;
// ...but never with fewer requests than this: a p95 needs a tail to be measured.
constexpr int64_t kMinSimRequests = 100;
// Confirmations beyond --finalists the search may run while an unconfirmed candidate is cheaper than every
// confirmed one (so the recommendation is the cheapest candidate that meets the targets in simulation).
constexpr int kMaxExtraConfirmations = 8;

struct Option {
  GpuSpec gpu;
  int gpus = 1;
  WeightPrecision weights;
  DType kv = DType::kBF16;
  Parallelism layout;
};

std::vector<WeightPrecision> PrecisionOptions(const ModelSpec& m, const GpuSpec& g) {
  std::vector<WeightPrecision> out = {NativeWeightPrecision(m)};
  const WeightPrecision& native = out[0];
  const bool native_is_16bit = !native.linear && !native.routed_experts;
  if (native_is_16bit && HasNativeCompute(g, ComputeClass::kFP8)) out.push_back(UniformWeightPrecision(DType::kFP8));
  if (HasNativeCompute(g, ComputeClass::kFP4)) out.push_back(UniformWeightPrecision(g.fp4_format));
  return out;
}

std::vector<Parallelism> LayoutOptions(const ModelSpec& m, const GpuSpec& g, int gpus) {
  std::vector<Parallelism> out;
  auto base = DefaultLayout(m, g, gpus);
  if (!base.ok() || !ValidateLayout(m, *base).ok()) return out;
  out.push_back(*base);
  int experts = 0;
  for (const auto& l : m.layers) experts = std::max(experts, l.num_experts);
  if (experts > 0 && base->ep == 1 && base->tp > 1 && experts % base->tp == 0) {
    Parallelism ep = *base;
    ep.ep = base->tp;
    if (ValidateLayout(m, ep).ok()) out.push_back(ep);
  } else if (experts > 0 && base->ep > 1) {
    Parallelism no_ep = *base;
    no_ep.ep = 1;
    if (ValidateLayout(m, no_ep).ok()) out.push_back(no_ep);
  }
  // Attention data parallelism with wide EP (DeepSeek-style), for MoE models with an MLA latent,
  // which TP would copy onto every GPU: one attention rank per GPU, experts over all of them.
  if (experts > 0 && m.attention.mla && base->tp > 1) {
    Parallelism dp{.tp = 1, .ep = base->tp, .pp = base->pp, .replicas = 1, .dp_attention = base->tp};
    if (ValidateLayout(m, dp).ok()) out.push_back(dp);
  }
  return out;
}

}  // namespace

namespace plan_internal {

// The p95 time a prompt waits for the prefill of those ahead of it, when prompts arrive as Poisson at `rate` per
// replica and each takes `prefill` of the replica's compute (M/D/1; the tail of the waiting time from the heavy-
// traffic approximation P(W > t) ~ rho exp(-2 (1 - rho) t / (rho S)), Kingman). Infinite at rho >= 1.
Seconds PrefillWaitP95(double rate, Seconds prefill) {
  const double rho = rate * prefill.v;
  if (rho >= 1) return Seconds{std::numeric_limits<double>::infinity()};
  if (rho <= 0.05) return Seconds{0};
  return Seconds{rho * prefill.v / (2 * (1 - rho)) * std::log(rho / 0.05)};
}

// Little's law fixed point: the running batch N at a per-replica rate, N = rate x output x step(N).
int ConcurrencyAtRate(const RooflineStepTimeModel& model, double rate, const PlanRequest& r, int cap) {
  double n = 1;
  for (int i = 0; i < 30; ++i) {
    const Seconds step =
        SteadyState(model, std::max(1, static_cast<int>(std::ceil(n))), r.input_tokens, r.output_tokens).step;
    const double next = std::max(1.0, rate * r.output_tokens * step.v);
    if (std::fabs(next - n) < 0.5) {
      n = next;
      break;
    }
    n = std::min<double>(next, cap);
  }
  return std::clamp(static_cast<int>(std::ceil(n)), 1, cap);
}

Status Price(Candidate& c, const PriceCatalog& prices, const PlanRequest& r) {
  const int gpus = CandidateGpus(c);
  if (r.own) {
    CAPPLAN_ASSIGN_OR_RETURN(OwnGpuHour own, OwnCostPerGpuHour(c.deployment.gpu.id, prices, *r.own));
    if (!own.as_of) own.as_of = PriceDate{"your inputs", std::nullopt};  // Price() has no date: say whose they are
    c.quote = OwnQuote(c.deployment.gpu.id, gpus, own, Date{});
  } else {
    const auto quotes = prices.QuoteGpus(c.deployment.gpu.id, gpus, r.price_filter);
    if (quotes.empty()) return Error::NotFound("no price for " + c.deployment.gpu.id);
    c.quote = quotes.front();
  }
  c.capacity_output_tokens_per_second = c.replica_capacity_rps * c.deployment.parallel.replicas * r.output_tokens;
  auto cost = CostOf({.usd_per_gpu_hour = c.quote.usd_per_gpu_hour,
                      .gpu_count = c.quote.billed_gpus,
                      .output_tokens_per_second = std::max(1e-9, c.capacity_output_tokens_per_second),
                      .input_output_ratio = static_cast<double>(r.input_tokens) / r.output_tokens,
                      .utilisation = 1.0});
  if (!cost.ok()) return cost.error();
  c.cost = *cost;
  c.usd_per_month = cost->usd_per_month_24x7;
  return Ok{};
}

// Requests a confirming simulation of `c` runs: --sim-requests, fewer when that many would exceed the step budget.
// Steps per replica ~ prefill chunks of every request + the decode steps over the simulated time (analytic TPOT).
int64_t SimRequestsFor(const Candidate& c, const PlanRequest& r) {
  const double chunk = std::max(1, c.deployment.engine.max_num_batched_tokens);
  const double prefill_steps = std::ceil(static_cast<double>(r.input_tokens) / chunk);
  const double replicas = std::max(1, c.deployment.parallel.replicas);
  const double tpot = std::max(1e-6, c.latency.tpot.p95.v);
  // Per request, per replica: its own prefill chunks, and decode steps for the time it adds to the run
  // (1 / rate seconds), bounded by its own output length when it runs alone.
  const double decode_steps =
      std::min<double>(static_cast<double>(r.output_tokens), replicas / r.rate_per_second / tpot);
  const double steps_per_request = prefill_steps + std::max(1.0, decode_steps);
  const double sequence_steps_per_request = prefill_steps + static_cast<double>(r.output_tokens);
  const auto fit = static_cast<int64_t>(
      std::min(kSimStepBudget / steps_per_request, kSimSequenceStepBudget / sequence_steps_per_request));
  return std::clamp<int64_t>(fit, std::min(kMinSimRequests, r.sim_requests), r.sim_requests);
}

WorkloadSpec ConfirmationWorkload(const PlanRequest& r, int64_t requests) {
  WorkloadSpec w;
  w.arrival = ArrivalProcess::kPoisson;
  w.rate_per_second = r.rate_per_second;
  w.input = {.kind = LengthDistribution::kFixed, .value = r.input_tokens};
  w.output = {.kind = LengthDistribution::kFixed, .value = r.output_tokens};
  w.num_requests = requests;
  return w;
}

}  // namespace plan_internal

namespace {

using plan_internal::ConcurrencyAtRate;
using plan_internal::PrefillWaitP95;
using plan_internal::Price;
using plan_internal::SimRequestsFor;

// Confirms a candidate's p95 TTFT and TPOT with the simulator; adds replicas while a target is missed.
void Confirm(Candidate& c, const ModelSpec& m, const PlanRequest& r, const PriceCatalog& prices) {
  const RooflineStepTimeModel target(m, c.deployment, CalibrationFor(c.deployment));
  const std::unique_ptr<StepTimeModel> spec = plan_internal::SpeculativeModelFor(c, m, target);
  const plan_internal::CachedStepTimeModel model(spec ? *spec : static_cast<const StepTimeModel&>(target));
  for (int attempt = 0; attempt <= kMaxConfirmRetries; ++attempt) {
    // The deployment's max_num_seqs is the SLO concurrency per attention-DP rank (set by the screen): the one
    // batch-cap rule (ServingBatchCap) then runs what the launch command runs.
    ServeOptions serve;  // assigned, not designated: GCC 12 warns when a designated initializer skips a member
    serve.context = r.input_tokens + r.output_tokens;
    serve.sim.load_balancer = LoadBalancer::kLeastOutstandingRequests;
    serve.sim.seed = r.seed;
    serve.sim.limits.budget = r.budget;
    serve.step_model = &model;
    const int64_t requests = SimRequestsFor(c, r);
    auto res = SimulateDeployment(m, c.deployment, plan_internal::ConfirmationWorkload(r, requests), serve);
    if (!res.ok()) {
      c.note = "simulation failed: " + res.error().message;
      c.meets_slo = false;
      return;
    }
    const SimMetrics& sm = res->metrics;
    c.latency = {.simulated = true,
                 .ttft = {sm.ttft.p50, sm.ttft.p95, sm.ttft.p99},
                 .tpot = {sm.tpot.p50, sm.tpot.p95, sm.tpot.p99},
                 .e2e = {sm.e2e.p50, sm.e2e.p95, sm.e2e.p99},
                 .simulated_requests = requests};
    c.output_tokens_per_second = sm.throughput.output_tokens_per_second;
    if (sm.ttft.p95 <= r.slo_ttft_p95 && sm.tpot.p95 <= r.slo_tpot_p95) {
      c.meets_slo = true;
      if (requests < r.sim_requests)
        c.note += fmt::format("{}simulated with {} requests (sized to the step budget; --sim-requests {})",
                              c.note.empty() ? "" : "; ", requests, r.sim_requests);
      return;
    }
    c.note += fmt::format("simulated p95 TTFT {} / TPOT {} with {} replica(s) missed a target; ",
                          FormatSeconds(sm.ttft.p95), FormatSeconds(sm.tpot.p95), c.deployment.parallel.replicas);
    if (c.deployment.parallel.replicas >= r.max_replicas) break;
    c.deployment.parallel.replicas += 1;
    if (!Price(c, prices, r).ok()) break;
  }
  c.meets_slo = false;
}

// Refuses a request whose work would be unbounded: each limit is named with its value (kMaxPlan* in search.h).
Status CheckPlanLimits(const PlanRequest& r) {
  auto over = [](std::string_view flag, int64_t value, int64_t limit) {
    return Error::ResourceLimit(fmt::format("--{}={} exceeds the limit of {}", flag, value, limit), std::string(flag));
  };
  if (r.input_tokens > kMaxPlanTokensPerRequest) return over("input", r.input_tokens, kMaxPlanTokensPerRequest);
  if (r.output_tokens > kMaxPlanTokensPerRequest) return over("output", r.output_tokens, kMaxPlanTokensPerRequest);
  if (r.finalists < 0) return Error::InvalidArgument("--finalists must not be negative", "finalists");
  if (r.finalists > kMaxPlanFinalists) return over("finalists", r.finalists, kMaxPlanFinalists);
  if (r.finalists > 0 && r.sim_requests < 1)
    return Error::InvalidArgument("--sim-requests must be at least 1", "sim_requests");
  if (r.sim_requests > kMaxPlanSimRequests) return over("sim-requests", r.sim_requests, kMaxPlanSimRequests);
  // Not flags: PlanRequest fields, named as such.
  if (r.max_replicas < 1)
    return Error::InvalidArgument("plan request: max_replicas must be at least 1", "max_replicas");
  if (r.max_replicas > kMaxPlanReplicas)
    return Error::ResourceLimit(
        fmt::format("plan request: max_replicas={} exceeds the limit of {}", r.max_replicas, kMaxPlanReplicas),
        "max_replicas");
  for (int g : r.gpus_per_replica) {
    if (g < 1 || g > kMaxPlanGpusPerReplica)
      return Error::InvalidArgument(
          fmt::format("plan request: gpus_per_replica={} must be in [1, {}]", g, kMaxPlanGpusPerReplica),
          "gpus_per_replica");
  }
  return Ok{};
}

}  // namespace

int64_t PlanMaxModelLen(const PlanRequest& r) { return ((r.input_tokens + r.output_tokens + 1023) / 1024) * 1024; }

double MonthlyTokensFromRate(double rate_per_second, int64_t input_tokens, int64_t output_tokens) {
  return rate_per_second * static_cast<double>(input_tokens + output_tokens) * 3600.0 * kHoursPerMonth;
}

double RateFromMonthlyTokens(double tokens_per_month, int64_t input_tokens, int64_t output_tokens) {
  return tokens_per_month / (static_cast<double>(input_tokens + output_tokens) * 3600.0 * kHoursPerMonth);
}

Result<PlanResult> Plan(const PlanRequest& r, const GpuCatalog& gpus, const PriceCatalog& prices, Date today,
                        const std::function<void(double)>& progress) {
  if (r.input_tokens < 1) return Error::InvalidArgument("--input must be at least 1 token", "input");
  if (r.output_tokens < 1) return Error::InvalidArgument("--output must be at least 1 token", "output");
  if (!(r.rate_per_second > 0) || !std::isfinite(r.rate_per_second))
    return Error::InvalidArgument("--rate must be a positive number of requests per second", "rate");
  if (!(r.slo_ttft_p95.v > 0))
    return Error::InvalidArgument("--slo-ttft-p95 must be positive (seconds)", "slo_ttft_p95");
  if (!(r.slo_tpot_p95.v > 0))
    return Error::InvalidArgument("--slo-tpot-p95 must be positive (seconds)", "slo_tpot_p95");
  CAPPLAN_RETURN_IF_ERROR(CheckPlanLimits(r));
  CAPPLAN_RETURN_IF_ERROR(prices.CheckProviders(r.price_filter.providers));
  if (!(r.cached_input_fraction >= 0 && r.cached_input_fraction <= 1))
    return Error::InvalidArgument("--cached-input-fraction must be in [0, 1]", "cached_input_fraction");

  // The GPU types to search: allowed ones (validated), else every GPU with a price.
  std::vector<GpuSpec> types;
  if (!r.gpus_allowed.empty()) {
    for (const auto& id : r.gpus_allowed) {
      CAPPLAN_ASSIGN_OR_RETURN(GpuSpec g, gpus.Find(id));
      types.push_back(g);
    }
  } else {
    for (const auto& g : gpus.All()) {
      const bool priced =
          r.own ? OwnCostPerGpuHour(g.id, prices, *r.own).ok() : !prices.QuoteGpus(g.id, 1, r.price_filter).empty();
      if (priced) types.push_back(g);
    }
  }

  std::vector<Option> options;
  for (const auto& g : types)
    for (int n : r.gpus_per_replica)
      for (const auto& w : PrecisionOptions(r.model, g))
        for (DType kv : {DType::kBF16, DType::kFP8})
          for (const auto& layout : LayoutOptions(r.model, g, n)) options.push_back({g, n, w, kv, layout});

  PlanResult out;
  out.tokens_per_month =
      MonthlyTokensFromRate(r.volume_rate_per_second.value_or(r.rate_per_second), r.input_tokens, r.output_tokens);
  Seconds best_tpot{1e9}, best_prefill{1e9};
  std::string best_tpot_config, best_prefill_config;
  // Configurations that meet the targets per replica but need more replicas than allowed: the honest reason when
  // nothing else is left (the fewest they need, in a wide type: the count can exceed any int).
  double fewest_replicas_needed = std::numeric_limits<double>::infinity();
  std::string fewest_replicas_config;
  std::set<std::string> unpriced;
  std::vector<plan_internal::WorkerProfile> workers;  // every fitting configuration, for the disaggregated pairings
  const int64_t context = r.input_tokens + r.output_tokens;
  for (size_t i = 0; i < options.size(); ++i) {
    if (progress) progress(0.8 * static_cast<double>(i) / options.size());
    const Option& o = options[i];
    if (r.budget) CAPPLAN_RETURN_IF_ERROR(r.budget->Charge(1));  // the deadline and the client, between options
    ++out.evaluated;
    ++(o.layout.dp_attention > 1 ? out.evaluated_attention_dp : out.evaluated_aggregated);
    Candidate c;
    c.deployment = {.gpu = o.gpu,
                    .parallel = o.layout,
                    .weights = o.weights,
                    .kv_dtype = o.kv,
                    .engine = DefaultEngineProfile(r.engine),
                    .max_model_len = PlanMaxModelLen(r)};
    auto budget = ComputeMemoryBudget(r.model, c.deployment, BudgetQuery{.context = context, .batch = 1});
    if (!budget.ok() || !budget->fits) continue;
    ++out.fitting;
    c.memory = *budget;
    const PerfCalibration cal = CalibrationFor(c.deployment);
    const RooflineStepTimeModel model(r.model, c.deployment, cal);
    const int cap = std::max(1, std::min(budget->max_concurrent_sequences, EngineMaxBatch(c.deployment, cal)));
    const std::string name =
        fmt::format("{} x{} {}", o.gpu.id, o.gpus, DTypeName(o.weights.linear.value_or(o.weights.base)));

    const Seconds prefill = PrefillTime(model, r.input_tokens);
    workers.push_back(plan_internal::ProfileWorker(r, c.deployment, *budget,
                                                   std::make_shared<RooflineStepTimeModel>(model), cap, prefill));
    if (prefill < best_prefill) {
      best_prefill = prefill;
      best_prefill_config = name;
    }
    const Seconds step1 = SteadyState(model, 1, r.input_tokens, r.output_tokens).step;
    if (step1 < best_tpot) {
      best_tpot = step1;
      best_tpot_config = name;
    }
    if (prefill > r.slo_ttft_p95 * kTtftScreenMargin) continue;
    const Seconds tpot_target = r.slo_tpot_p95 * kTpotScreenMargin;
    if (step1 > tpot_target) continue;

    // The largest concurrency whose steady-state step meets the target (the step grows with the batch).
    int lo = 1, hi = cap;
    while (lo < hi) {
      const int mid = lo + (hi - lo + 1) / 2;
      if (SteadyState(model, mid, r.input_tokens, r.output_tokens).step <= tpot_target)
        lo = mid;
      else
        hi = mid - 1;
    }
    c.slo_concurrency = lo;
    // The launch command bounds the running batch to what the targets allow; the budget then
    // reports the warnings of the deployment as it will really run.
    c.deployment.max_num_seqs = (lo + c.deployment.parallel.dp_attention - 1) / c.deployment.parallel.dp_attention;
    if (auto bounded = ComputeMemoryBudget(r.model, c.deployment, BudgetQuery{.context = context, .batch = lo});
        bounded.ok())
      c.memory = *bounded;
    const MaxLoad at_slo = SteadyState(model, lo, r.input_tokens, r.output_tokens);
    c.replica_capacity_rps = at_slo.requests_per_second;
    // In double first: static_cast<int> of a count above INT_MAX (rate 1e6 at 100,000 output tokens) wrapped to a
    // small number, and the plan was "feasible on 1x L40S" (issue 17). NaN/inf compare false and are refused too.
    double needed = std::ceil(r.rate_per_second / (c.replica_capacity_rps * kCapacityHeadroom));
    // Long prompts: prompts queue for the prefill ahead of them; add replicas until the p95 wait plus the prefill
    // meets the TTFT target (the simulator confirms it). Without this the screen sends the simulator candidates
    // whose queue alone breaks the target, and each is retried replica by replica.
    while (needed <= static_cast<double>(r.max_replicas) &&
           prefill + PrefillWaitP95(r.rate_per_second / std::max(1.0, needed), prefill) >
               r.slo_ttft_p95 * kTtftScreenMargin)
      needed += 1;
    if (!(needed <= static_cast<double>(r.max_replicas))) {
      if (!(needed >= fewest_replicas_needed)) {
        fewest_replicas_needed = needed;
        fewest_replicas_config = name;
      }
      continue;
    }
    c.deployment.parallel.replicas = std::max(1, static_cast<int>(needed));

    const double per_replica_rate = r.rate_per_second / c.deployment.parallel.replicas;
    c.concurrency_per_replica = ConcurrencyAtRate(model, per_replica_rate, r, lo);
    const Seconds tpot = SteadyState(model, c.concurrency_per_replica, r.input_tokens, r.output_tokens).step;
    // A prompt waits on average half a step to join the batch, and at p95 for the prefills queued ahead of it.
    const Seconds ttft = prefill + tpot * 0.5 + PrefillWaitP95(per_replica_rate, prefill);
    const Seconds e2e = ttft + tpot * static_cast<double>(r.output_tokens - 1);
    c.latency = {.simulated = false, .ttft = {ttft, ttft, ttft}, .tpot = {tpot, tpot, tpot}, .e2e = {e2e, e2e, e2e}};
    c.output_tokens_per_second = r.rate_per_second * r.output_tokens;
    c.meets_slo = true;
    if (!Price(c, prices, r).ok()) {
      unpriced.insert(o.gpu.id);
      continue;
    }
    out.candidates.push_back(std::move(c));
  }

  plan_internal::AddDisaggCandidates(r, workers, prices, out);
  plan_internal::AddSpecCandidates(r, workers, prices, out);

  for (Candidate& c : out.candidates) plan_internal::JudgeErrorBand(c, r);
  // Cheapest first among those whose TPOT error band still meets the target (issue 12), then the others.
  auto by_cost = [](const Candidate& a, const Candidate& b) {
    if (a.meets_slo_in_band != b.meets_slo_in_band) return a.meets_slo_in_band;
    if (a.usd_per_month.v != b.usd_per_month.v) return a.usd_per_month.v < b.usd_per_month.v;
    if (CandidateGpus(a) != CandidateGpus(b)) return CandidateGpus(a) < CandidateGpus(b);
    return a.latency.e2e.p95 < b.latency.e2e.p95;
  };
  std::stable_sort(out.candidates.begin(), out.candidates.end(), by_cost);

  // Confirm the cheapest with the simulator; drop those that cannot meet the targets. A confirmation may add
  // replicas, so a confirmed candidate can end up dearer than an unconfirmed one: keep confirming (a bounded number
  // more) while the cheapest unconfirmed candidate is cheaper than every confirmed one, so that the recommendation
  // is the cheapest candidate the simulator says meets the targets.
  if (r.finalists > 0) {
    std::vector<Candidate> confirmed;
    const size_t n = std::min<size_t>(out.candidates.size(), static_cast<size_t>(r.finalists));
    const size_t most = std::min<size_t>(out.candidates.size(), n + kMaxExtraConfirmations);
    size_t next = 0;
    for (; next < most; ++next) {
      if (progress) progress(0.8 + 0.2 * static_cast<double>(std::min(next, n)) / std::max<size_t>(n, 1));
      if (next >= n && !confirmed.empty()) {
        // Past the finalists: stop once the next unconfirmed candidate is no cheaper than the cheapest confirmed.
        const Candidate& cheapest = *std::min_element(confirmed.begin(), confirmed.end(), by_cost);
        if (!by_cost(out.candidates[next], cheapest)) break;
      }
      if (out.candidates[next].disagg)
        plan_internal::ConfirmDisagg(out.candidates[next], r, prices);
      else
        Confirm(out.candidates[next], r.model, r, prices);
      plan_internal::JudgeErrorBand(out.candidates[next], r);
      // A simulation stopped by the request's budget is the answer, not a candidate that "failed".
      if (r.budget) CAPPLAN_RETURN_IF_ERROR(r.budget->status());
      if (out.candidates[next].meets_slo) confirmed.push_back(out.candidates[next]);
    }
    std::vector<Candidate> rest;
    for (size_t i = next; i < out.candidates.size(); ++i) rest.push_back(std::move(out.candidates[i]));
    std::stable_sort(confirmed.begin(), confirmed.end(), by_cost);
    out.candidates = std::move(confirmed);
    for (auto& c : rest) out.candidates.push_back(std::move(c));
  }
  if (progress) progress(1.0);
  out.disagg = plan_internal::JudgeDisaggregation(r, out);
  out.error_band_note = plan_internal::ErrorBandNote(r, out);

  // Pareto front of $/month against p95 E2E: walking by cost, keep each strictly faster one.
  Seconds best_e2e{1e300};
  for (size_t i = 0; i < out.candidates.size(); ++i) {
    if (out.candidates[i].latency.e2e.p95 < best_e2e) {
      best_e2e = out.candidates[i].latency.e2e.p95;
      out.pareto.push_back(i);
    }
  }

  if (out.candidates.empty()) {
    if (types.empty()) {
      out.infeasible_reason = "no GPU in the search has a price for the chosen providers";
      out.suggestions.push_back("drop --providers, or give a price with --gpu-price GPU=USD_PER_GPU_HOUR");
    } else if (out.fitting == 0) {
      const Bytes w = WeightBytesOf(r.model, NativeWeightPrecision(r.model)).Total();
      out.infeasible_reason = fmt::format(
          "{} ({} of weights at its own precision) fits on none of the allowed GPUs with up to {} GPUs per replica",
          r.model.name, FormatBytes(w), r.gpus_per_replica.back());
      out.suggestions.push_back("allow GPUs with more memory (e.g. --gpus-allowed h200,b200,mi300x)");
      out.suggestions.push_back("or a lower precision (FP8 halves BF16 weights; NVFP4 on Blackwell quarters them)");
    } else if (!unpriced.empty() && out.evaluated > 0 && best_tpot <= r.slo_tpot_p95 * kTpotScreenMargin &&
               best_prefill <= r.slo_ttft_p95 * kTtftScreenMargin) {
      out.infeasible_reason = "the configurations that meet the targets have no price for the chosen providers";
      out.suggestions.push_back("drop --providers, or give a price with --gpu-price GPU=USD_PER_GPU_HOUR");
    } else if (std::isfinite(fewest_replicas_needed)) {
      // The per-replica targets are met; the rate is what no allowed replica count serves.
      out.infeasible_reason = fmt::format(
          "the configurations that meet p95 TTFT {} and p95 TPOT {} need more than {} replicas for {:g} requests/s "
          "(the fewest: {:.4g} replicas of {})",
          FormatSeconds(r.slo_ttft_p95), FormatSeconds(r.slo_tpot_p95), r.max_replicas, r.rate_per_second,
          fewest_replicas_needed, fewest_replicas_config);
      out.suggestions.push_back(fmt::format("lower --rate to what {} replicas serve", r.max_replicas));
      out.suggestions.push_back("shorter outputs or faster GPUs raise what one replica serves");
    } else {
      out.infeasible_reason = fmt::format(
          "no configuration meets p95 TTFT {} and p95 TPOT {}: the fastest decode step is {} ({}), the fastest prefill "
          "of {} tokens {} ({})",
          FormatSeconds(r.slo_ttft_p95), FormatSeconds(r.slo_tpot_p95), FormatSeconds(best_tpot), best_tpot_config,
          r.input_tokens, FormatSeconds(best_prefill), best_prefill_config);
      if (best_tpot > r.slo_tpot_p95 * kTpotScreenMargin)
        out.suggestions.push_back(
            fmt::format("relax --slo-tpot-p95 to at least {:.3f} s", best_tpot.v / kTpotScreenMargin * 1.1));
      if (best_prefill > r.slo_ttft_p95 * kTtftScreenMargin)
        out.suggestions.push_back(fmt::format("relax --slo-ttft-p95 to at least {:.3f} s, or shorten the prompts",
                                              best_prefill.v / kTtftScreenMargin * 1.1));
      out.suggestions.push_back("allow faster GPUs or lower precisions (--gpus-allowed)");
    }
    return out;
  }

  // Serverless comparison at the workload's volume, against the recommendation.
  const Candidate& best = out.candidates.front();
  const double ratio = static_cast<double>(r.input_tokens) / r.output_tokens;
  out.api_match = prices.ApiPrices(r.preset.empty() ? r.model.name : r.preset);
  out.api_comparison = CompareWithApis(best.usd_per_month, best.cost.tokens_per_month_24x7, out.api_match.rows,
                                       out.tokens_per_month, ratio, r.cached_input_fraction);
  for (const auto& a : out.api_comparison) out.api_staleness.push_back(IsStale(a.price.as_of, today));
  const int replicas = best.deployment.parallel.replicas;
  const Dollars replica_month = best.usd_per_month / replicas;
  const double replica_tokens = TokensPerMonth24x7(best.replica_capacity_rps * r.output_tokens, ratio);
  // The tiers follow the user's volume (a tenth, itself, ten times) beside the fixed 1B / 10B / 100B.
  out.tiers = TrafficTiers(replica_month, replica_tokens, ratio, out.api_match.rows, TierVolumes(out.tokens_per_month),
                           r.cached_input_fraction);
  return out;
}

}  // namespace capplan
