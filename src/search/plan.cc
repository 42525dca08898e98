// Plan(): enumerate, screen analytically, price, confirm the cheapest with the simulator.
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "capplan/search.h"

namespace capplan {
namespace {

// Replicas are sized so the workload uses at most this fraction of the SLO capacity: Poisson arrivals
// push the running batch above its mean, and the TPOT target is met at the mean.
constexpr double kCapacityHeadroom = 0.9;
// Extra replicas the simulator may add to a finalist before it is dropped.
constexpr int kMaxConfirmRetries = 3;

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
  if (HasNativeCompute(g, ComputeClass::kFP4)) out.push_back(UniformWeightPrecision(DType::kNVFP4));
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
  return out;
}

// Little's law fixed point: the running batch N at a per-replica rate, N = rate x output x step(N).
int ConcurrencyAtRate(const RooflineStepTimeModel& model, double rate, const PlanRequest& r, int cap) {
  double n = 1;
  for (int i = 0; i < 30; ++i) {
    const Seconds step = SteadyState(model, std::max(1, static_cast<int>(std::ceil(n))), r.input_tokens, r.output_tokens).step;
    const double next = std::max(1.0, rate * r.output_tokens * step.v);
    if (std::fabs(next - n) < 0.5) { n = next; break; }
    n = std::min<double>(next, cap);
  }
  return std::clamp(static_cast<int>(std::ceil(n)), 1, cap);
}

Status Price(Candidate& c, const PriceCatalog& prices, const PlanRequest& r) {
  const int gpus = c.deployment.parallel.TotalGpus();
  const auto quotes = prices.QuoteGpus(c.deployment.gpu.id, gpus, r.price_filter);
  if (quotes.empty()) return Error::NotFound("no price for " + c.deployment.gpu.id);
  c.quote = quotes.front();
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

// Confirms a candidate's p95 TTFT and TPOT with the simulator; adds replicas while a target is missed.
void Confirm(Candidate& c, const ModelSpec& m, const PlanRequest& r, const PriceCatalog& prices) {
  const RooflineStepTimeModel model(m, c.deployment, CalibrationFor(c.deployment.gpu));
  for (int attempt = 0; attempt <= kMaxConfirmRetries; ++attempt) {
    SimConfig cfg;
    cfg.replicas = c.deployment.parallel.replicas;
    cfg.load_balancer = LoadBalancer::kLeastOutstandingRequests;
    cfg.scheduler = SchedulerFor(c.deployment, c.memory, c.slo_concurrency);
    cfg.seed = r.seed;
    cfg.limits.budget = r.budget;
    WorkloadSpec w;
    w.arrival = ArrivalProcess::kPoisson;
    w.rate_per_second = r.rate_per_second;
    w.input = {.kind = LengthDistribution::kFixed, .value = r.input_tokens};
    w.output = {.kind = LengthDistribution::kFixed, .value = r.output_tokens};
    w.num_requests = r.sim_requests;
    auto res = Simulate(cfg, w, model);
    if (!res.ok()) {
      c.note = "simulation failed: " + res.error().message;
      c.meets_slo = false;
      return;
    }
    const SimMetrics& sm = res->metrics;
    c.latency = {.simulated = true,
                 .ttft = {sm.ttft.p50, sm.ttft.p95, sm.ttft.p99},
                 .tpot = {sm.tpot.p50, sm.tpot.p95, sm.tpot.p99},
                 .e2e = {sm.e2e.p50, sm.e2e.p95, sm.e2e.p99}};
    c.output_tokens_per_second = sm.throughput.output_tokens_per_second;
    if (sm.ttft.p95 <= r.slo_ttft_p95 && sm.tpot.p95 <= r.slo_tpot_p95) {
      c.meets_slo = true;
      return;
    }
    c.note += fmt::format("{}simulated p95 TTFT {} / TPOT {} with {} replica(s) missed a target; ", c.note.empty() ? "" : "",
                          FormatSeconds(sm.ttft.p95), FormatSeconds(sm.tpot.p95), cfg.replicas);
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
  if (r.max_replicas < 1) return Error::InvalidArgument("plan request: max_replicas must be at least 1", "max_replicas");
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

int64_t ReplicaKvTokens(const MemoryBudget& b) {
  if (b.kv_bytes_per_token_per_gpu.v <= 0) return 0;
  return static_cast<int64_t>(b.kv_cache.v / b.kv_bytes_per_token_per_gpu.v);
}

SchedulerConfig SchedulerFor(const Deployment& d, const MemoryBudget& b, int max_num_seqs) {
  SchedulerConfig s;
  s.max_num_seqs = std::max(1, max_num_seqs);
  s.max_num_batched_tokens = d.engine.max_num_batched_tokens;
  s.kv_capacity_tokens = ReplicaKvTokens(b);
  s.kv_block_tokens = d.engine.kv_block_tokens;
  return s;
}

int64_t PlanMaxModelLen(const PlanRequest& r) {
  return ((r.input_tokens + r.output_tokens + 1023) / 1024) * 1024;
}

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
  if (!(r.slo_ttft_p95.v > 0)) return Error::InvalidArgument("--slo-ttft-p95 must be positive (seconds)", "slo_ttft_p95");
  if (!(r.slo_tpot_p95.v > 0)) return Error::InvalidArgument("--slo-tpot-p95 must be positive (seconds)", "slo_tpot_p95");
  CAPPLAN_RETURN_IF_ERROR(CheckPlanLimits(r));

  // The GPU types to search: allowed ones (validated), else every GPU with a price.
  std::vector<GpuSpec> types;
  if (!r.gpus_allowed.empty()) {
    for (const auto& id : r.gpus_allowed) {
      CAPPLAN_ASSIGN_OR_RETURN(GpuSpec g, gpus.Find(id));
      types.push_back(g);
    }
  } else {
    for (const auto& g : gpus.All())
      if (!prices.QuoteGpus(g.id, 1, r.price_filter).empty()) types.push_back(g);
  }

  std::vector<Option> options;
  for (const auto& g : types)
    for (int n : r.gpus_per_replica)
      for (const auto& w : PrecisionOptions(r.model, g))
        for (DType kv : {DType::kBF16, DType::kFP8})
          for (const auto& layout : LayoutOptions(r.model, g, n)) options.push_back({g, n, w, kv, layout});

  PlanResult out;
  out.tokens_per_month = MonthlyTokensFromRate(r.rate_per_second, r.input_tokens, r.output_tokens);
  Seconds best_tpot{1e9}, best_prefill{1e9};
  std::string best_tpot_config, best_prefill_config;
  // Configurations that meet the targets per replica but need more replicas than allowed: the honest reason when
  // nothing else is left (the fewest they need, in a wide type: the count can exceed any int).
  double fewest_replicas_needed = std::numeric_limits<double>::infinity();
  std::string fewest_replicas_config;
  std::set<std::string> unpriced;
  const int64_t context = r.input_tokens + r.output_tokens;
  for (size_t i = 0; i < options.size(); ++i) {
    if (progress) progress(0.8 * static_cast<double>(i) / options.size());
    const Option& o = options[i];
    if (r.budget) CAPPLAN_RETURN_IF_ERROR(r.budget->Charge(1));  // the deadline and the client, between options
    ++out.evaluated;
    Candidate c;
    c.deployment = {.gpu = o.gpu, .parallel = o.layout, .weights = o.weights, .kv_dtype = o.kv,
                    .engine = DefaultEngineProfile(r.engine), .max_model_len = PlanMaxModelLen(r)};
    auto budget = ComputeMemoryBudget(r.model, c.deployment, BudgetQuery{.context = context, .batch = 1});
    if (!budget.ok() || !budget->fits) continue;
    ++out.fitting;
    c.memory = *budget;
    const PerfCalibration cal = CalibrationFor(o.gpu);
    const RooflineStepTimeModel model(r.model, c.deployment, cal);
    const int cap = std::max(1, std::min(budget->max_concurrent_sequences, EngineMaxBatch(c.deployment, cal)));
    const std::string name = fmt::format("{} x{} {}", o.gpu.id, o.gpus, DTypeName(o.weights.linear.value_or(o.weights.base)));

    const Seconds prefill = PrefillTime(model, r.input_tokens);
    if (prefill < best_prefill) { best_prefill = prefill; best_prefill_config = name; }
    const Seconds step1 = SteadyState(model, 1, r.input_tokens, r.output_tokens).step;
    if (step1 < best_tpot) { best_tpot = step1; best_tpot_config = name; }
    if (prefill > r.slo_ttft_p95 * kTtftScreenMargin) continue;
    const Seconds tpot_target = r.slo_tpot_p95 * kTpotScreenMargin;
    if (step1 > tpot_target) continue;

    // The largest concurrency whose steady-state step meets the target (the step grows with the batch).
    int lo = 1, hi = cap;
    while (lo < hi) {
      const int mid = lo + (hi - lo + 1) / 2;
      if (SteadyState(model, mid, r.input_tokens, r.output_tokens).step <= tpot_target) lo = mid;
      else hi = mid - 1;
    }
    c.slo_concurrency = lo;
    // The launch command bounds the running batch to what the targets allow; the budget then
    // reports the warnings of the deployment as it will really run.
    c.deployment.max_num_seqs = lo;
    if (auto bounded = ComputeMemoryBudget(r.model, c.deployment, BudgetQuery{.context = context, .batch = lo}); bounded.ok())
      c.memory = *bounded;
    const MaxLoad at_slo = SteadyState(model, lo, r.input_tokens, r.output_tokens);
    c.replica_capacity_rps = at_slo.requests_per_second;
    // In double first: static_cast<int> of a count above INT_MAX (rate 1e6 at 100,000 output tokens) wrapped to a
    // small number, and the plan was "feasible on 1x L40S" (issue 17). NaN/inf compare false and are refused too.
    const double needed = std::ceil(r.rate_per_second / (c.replica_capacity_rps * kCapacityHeadroom));
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
    const Seconds ttft = prefill + tpot * 0.5;  // a prompt waits on average half a step to join the batch
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

  auto by_cost = [](const Candidate& a, const Candidate& b) {
    if (a.usd_per_month.v != b.usd_per_month.v) return a.usd_per_month.v < b.usd_per_month.v;
    if (a.deployment.parallel.TotalGpus() != b.deployment.parallel.TotalGpus())
      return a.deployment.parallel.TotalGpus() < b.deployment.parallel.TotalGpus();
    return a.latency.e2e.p95 < b.latency.e2e.p95;
  };
  std::stable_sort(out.candidates.begin(), out.candidates.end(), by_cost);

  // Confirm the cheapest with the simulator; drop those that cannot meet the targets.
  if (r.finalists > 0) {
    std::vector<Candidate> confirmed, rest;
    const size_t n = std::min<size_t>(out.candidates.size(), static_cast<size_t>(r.finalists));
    for (size_t i = 0; i < out.candidates.size(); ++i) {
      if (progress) progress(0.8 + 0.2 * static_cast<double>(std::min(i, n)) / std::max<size_t>(n, 1));
      if (i < n) {
        Confirm(out.candidates[i], r.model, r, prices);
        // A simulation stopped by the request's budget is the answer, not a candidate that "failed".
        if (r.budget) CAPPLAN_RETURN_IF_ERROR(r.budget->status());
        if (out.candidates[i].meets_slo) confirmed.push_back(out.candidates[i]);
      } else {
        rest.push_back(out.candidates[i]);
      }
    }
    std::stable_sort(confirmed.begin(), confirmed.end(), by_cost);
    out.candidates = std::move(confirmed);
    for (auto& c : rest) out.candidates.push_back(std::move(c));
  }
  if (progress) progress(1.0);

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
      out.infeasible_reason = fmt::format("{} ({} of weights at its own precision) fits on none of the allowed GPUs with up to {} GPUs per replica",
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
          "no configuration meets p95 TTFT {} and p95 TPOT {}: the fastest decode step is {} ({}), the fastest prefill of {} tokens {} ({})",
          FormatSeconds(r.slo_ttft_p95), FormatSeconds(r.slo_tpot_p95), FormatSeconds(best_tpot), best_tpot_config,
          r.input_tokens, FormatSeconds(best_prefill), best_prefill_config);
      if (best_tpot > r.slo_tpot_p95 * kTpotScreenMargin)
        out.suggestions.push_back(fmt::format("relax --slo-tpot-p95 to at least {:.3f} s", best_tpot.v / kTpotScreenMargin * 1.1));
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
                                       out.tokens_per_month, ratio);
  for (const auto& a : out.api_comparison) out.api_staleness.push_back(IsStale(a.price.as_of, today));
  const int replicas = best.deployment.parallel.replicas;
  const Dollars replica_month = best.usd_per_month / replicas;
  const double replica_tokens = TokensPerMonth24x7(best.replica_capacity_rps * r.output_tokens, ratio);
  out.tiers = TrafficTiers(replica_month, replica_tokens, ratio, out.api_match.rows);
  return out;
}

}  // namespace capplan
