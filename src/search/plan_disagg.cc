// Plan(): disaggregated candidates. A prefill pool and a decode pool of the same GPU type, weights and KV dtype,
// each worker in any layout the aggregated search found to fit; screened analytically, priced (the GPUs of both
// pools), confirmed with the disaggregated simulator, and judged against the aggregated candidates (docs/plan.md,
// "Disaggregated candidates").
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "perf/collectives.h"
#include "search/plan_internal.h"
#include "sim/disagg.h"

namespace capplan {

int CandidateGpus(const Candidate& c) {
  const int decode = c.deployment.parallel.TotalGpus();
  return c.disagg ? decode + c.disagg->prefill.parallel.TotalGpus() : decode;
}

std::string_view CandidateMode(const Candidate& c) {
  if (c.disagg) return "disaggregated";
  return c.deployment.parallel.dp_attention > 1 ? "attention-DP" : "aggregated";
}

LaunchRequest PlanLaunchRequest(const PlanRequest& r, const Candidate& c, const std::string& hf_id) {
  LaunchRequest l{.hf_id = hf_id,
                  .deployment = c.deployment,
                  .max_model_len = PlanMaxModelLen(r),
                  .max_num_seqs = std::max(1, c.slo_concurrency)};
  if (c.spec) l.spec = SpecLaunch{.tokens = c.spec->tokens};
  if (c.disagg)
    l.disagg = DisaggLaunch{.prefill = c.disagg->prefill,
                            .prefill_max_num_seqs = c.disagg->prefill_max_num_seqs,
                            .nvlink = c.disagg->nvlink};
  return l;
}

namespace plan_internal {
namespace {

// The context a decode step reads on average: the prompt and half the output.
int64_t MeanDecodeContext(const PlanRequest& r) { return r.input_tokens + r.output_tokens / 2; }

Seconds DecodeStep(const RooflineStepTimeModel& m, int n, int64_t context) {
  return m.StepTime(DecodeShape(std::max(1, n), context));
}

// Little's law on a decode worker: N = rate x output x step(N), at most `cap`.
int DecodeConcurrencyAtRate(const RooflineStepTimeModel& m, double rate, const PlanRequest& r, int cap) {
  double n = 1;
  for (int i = 0; i < 30; ++i) {
    const double next =
        std::max(1.0, rate * r.output_tokens * DecodeStep(m, static_cast<int>(std::ceil(n)), MeanDecodeContext(r)).v);
    if (std::fabs(next - n) < 0.5) {
      n = next;
      break;
    }
    n = std::min<double>(next, cap);
  }
  return std::clamp(static_cast<int>(std::ceil(n)), 1, cap);
}

std::string GroupKey(const Deployment& d) {
  return fmt::format("{}|{}|{}|{}|{}", d.gpu.id, DTypeName(d.weights.base),
                     d.weights.linear ? DTypeName(*d.weights.linear) : "-",
                     d.weights.routed_experts ? DTypeName(*d.weights.routed_experts) : "-", DTypeName(d.kv_dtype));
}

KvTransferLink LinkFor(const Candidate& c) {
  const Deployment& p = c.disagg->prefill;
  return KvTransferLinkOf(p.gpu, p.parallel.GpusPerReplica(), CandidateGpus(c), CalibrationFor(p));
}

// Updates the transfer (the link depends on whether both pools fit one scale-up domain) and the capacity.
void Refresh(Candidate& c) {
  DisaggPlan& dp = *c.disagg;
  const KvTransferLink link = LinkFor(c);
  dp.nvlink = link.nvlink;
  dp.kv_transfer = kDefaultKvTransferLatency + dp.kv_bytes_per_request / link.bandwidth;
  const double decode = dp.decode_worker_rps * c.deployment.parallel.replicas;
  const double prefill = dp.prefill.parallel.replicas / std::max(1e-12, dp.prefill_time.v);
  c.replica_capacity_rps = std::min(decode, prefill) / c.deployment.parallel.replicas;
}

std::string PoolText(const Deployment& d) {
  const Parallelism& p = d.parallel;
  std::string layout = p.dp_attention > 1 ? fmt::format("DP-attention {}", p.dp_attention) : fmt::format("TP {}", p.tp);
  if (p.ep > 1) layout += fmt::format(", EP {}", p.ep);
  return fmt::format("{} worker{} of {} GPU{} ({})", p.replicas, p.replicas == 1 ? "" : "s", p.GpusPerReplica(),
                     p.GpusPerReplica() == 1 ? "" : "s", layout);
}

}  // namespace

WorkerProfile ProfileWorker(const PlanRequest& r, const Deployment& d, const MemoryBudget& memory,
                            std::shared_ptr<const RooflineStepTimeModel> model, int cap, Seconds prefill) {
  WorkerProfile w;
  w.deployment = d;
  w.memory = memory;
  w.model = std::move(model);
  w.cap = cap;
  w.prefill = prefill;
  // A decode worker runs decodes only: the largest batch whose step meets the TPOT screen.
  const Seconds target = r.slo_tpot_p95 * kTpotScreenMargin;
  const int64_t context = MeanDecodeContext(r);
  if (DecodeStep(*w.model, 1, context) > target) return w;
  int lo = 1, hi = cap;
  while (lo < hi) {
    const int mid = lo + (hi - lo + 1) / 2;
    if (DecodeStep(*w.model, mid, context) <= target)
      lo = mid;
    else
      hi = mid - 1;
  }
  w.decode_slo = lo;
  w.decode_rps = lo / (static_cast<double>(r.output_tokens) * DecodeStep(*w.model, lo, context).v);
  return w;
}

void AddDisaggCandidates(const PlanRequest& r, const std::vector<WorkerProfile>& workers, const PriceCatalog& prices,
                         PlanResult& out) {
  std::map<std::string, std::vector<const WorkerProfile*>> groups;
  for (const WorkerProfile& w : workers) groups[GroupKey(w.deployment)].push_back(&w);
  const Seconds ttft_target = r.slo_ttft_p95 * kTtftScreenMargin;
  // The fastest idle TTFT any pairing reaches, for the verdict when none meets the targets.
  Seconds fastest{std::numeric_limits<double>::infinity()};
  std::string fastest_text;
  bool any_decode = false;
  int added = 0;
  for (const auto& [key, group] : groups) {
    std::optional<Candidate> best;
    for (const WorkerProfile* p : group) {
      for (const WorkerProfile* d : group) {
        ++out.evaluated_disaggregated;
        if (d->decode_slo == 0) continue;
        any_decode = true;
        Candidate c;
        c.deployment = d->deployment;
        const double nd = std::ceil(r.rate_per_second / (d->decode_rps * kCapacityHeadroom));
        if (!(nd <= r.max_replicas)) continue;
        c.deployment.parallel.replicas = static_cast<int>(nd);
        c.deployment.max_num_seqs =
            (d->decode_slo + c.deployment.parallel.dp_attention - 1) / c.deployment.parallel.dp_attention;
        c.memory = d->memory;
        c.slo_concurrency = d->decode_slo;
        DisaggPlan plan;
        plan.prefill = p->deployment;
        plan.prefill_time = p->prefill;
        plan.prefill_max_num_seqs = std::max(1, p->cap);
        plan.decode_worker_rps = d->decode_rps;
        plan.kv_bytes_per_request = KvBytesPerSequence(r.model, r.input_tokens, p->deployment.kv_dtype, true);
        // Prefill workers: enough to stay under 90% busy, then more while the p95 wait breaks the TTFT screen.
        double np = std::max(1.0, std::ceil(r.rate_per_second * p->prefill.v / kCapacityHeadroom));
        const Seconds first = DecodeStep(*d->model, 1, r.input_tokens);
        Seconds ttft{std::numeric_limits<double>::infinity()};
        for (; np <= r.max_replicas; np += 1) {
          plan.prefill.parallel.replicas = static_cast<int>(np);
          c.disagg = plan;
          Refresh(c);
          ttft = p->prefill + PrefillWaitP95(r.rate_per_second / np, p->prefill) + c.disagg->kv_transfer + first;
          const Seconds idle = p->prefill + c.disagg->kv_transfer + first;
          if (idle < fastest) {
            fastest = idle;
            fastest_text =
                fmt::format("prefill {} + KV transfer {} + first decode step {} on {}", FormatSeconds(p->prefill),
                            FormatSeconds(c.disagg->kv_transfer), FormatSeconds(first), key.substr(0, key.find('|')));
          }
          if (idle > ttft_target || ttft <= ttft_target) break;
        }
        if (!(ttft <= ttft_target)) continue;
        c.disagg->prefill_utilisation = r.rate_per_second * p->prefill.v / np;
        const double per_worker = r.rate_per_second / nd;
        c.concurrency_per_replica = DecodeConcurrencyAtRate(*d->model, per_worker, r, d->decode_slo);
        const Seconds tpot = DecodeStep(*d->model, c.concurrency_per_replica, MeanDecodeContext(r));
        const Seconds e2e = ttft + tpot * static_cast<double>(r.output_tokens - 1);
        c.latency = {
            .simulated = false, .ttft = {ttft, ttft, ttft}, .tpot = {tpot, tpot, tpot}, .e2e = {e2e, e2e, e2e}};
        c.output_tokens_per_second = r.rate_per_second * r.output_tokens;
        c.meets_slo = true;
        if (!Price(c, prices, r).ok()) continue;
        if (!best || c.usd_per_month < best->usd_per_month ||
            (c.usd_per_month == best->usd_per_month && CandidateGpus(c) < CandidateGpus(*best)))
          best = std::move(c);
      }
    }
    if (best) {
      out.candidates.push_back(std::move(*best));
      ++added;
    }
  }
  if (added == 0 && out.evaluated_disaggregated > 0) {
    if (!any_decode)
      out.disagg.reasons.push_back(
          fmt::format("no decode worker meets the TPOT screen of {} even with one running sequence",
                      FormatSeconds(r.slo_tpot_p95 * kTpotScreenMargin)));
    else if (fastest > ttft_target)
      out.disagg.reasons.push_back(
          fmt::format("no disaggregated pairing meets the TTFT screen of {}: the fastest idle TTFT is {} ({})",
                      FormatSeconds(ttft_target), FormatSeconds(fastest), fastest_text));
    else
      out.disagg.reasons.push_back("no disaggregated pairing meets the targets within the allowed workers and prices");
  }
}

void ConfirmDisagg(Candidate& c, const PlanRequest& r, const PriceCatalog& prices) {
  const PerfCalibration pcal = CalibrationFor(c.disagg->prefill);
  const PerfCalibration dcal = CalibrationFor(c.deployment);
  const RooflineStepTimeModel prefill_roofline(r.model, c.disagg->prefill, pcal);
  const RooflineStepTimeModel decode_roofline(r.model, c.deployment, dcal);
  const CachedStepTimeModel prefill_model(prefill_roofline), decode_model(decode_roofline);
  for (int attempt = 0; attempt <= kMaxConfirmRetries; ++attempt) {
    const DisaggPlan& dp = *c.disagg;
    DisaggConfig cfg;
    cfg.prefill.workers = dp.prefill.parallel.replicas;
    cfg.prefill.max_num_batched_tokens =  // each attention-DP rank of a prefill worker has its own budget
        static_cast<int64_t>(dp.prefill.engine.max_num_batched_tokens) * dp.prefill.parallel.dp_attention;
    cfg.prefill.max_num_seqs = EngineMaxBatch(dp.prefill, pcal);
    cfg.decode.workers = c.deployment.parallel.replicas;
    const SchedulerConfig ds = SchedulerFor(c.deployment, c.memory, c.slo_concurrency);
    cfg.decode.max_num_seqs = ds.max_num_seqs;
    cfg.decode.kv_capacity_tokens = ds.kv_capacity_tokens;
    cfg.link = {.bandwidth = LinkFor(c).bandwidth, .latency = kDefaultKvTransferLatency};
    cfg.kv_bytes_per_token = dp.kv_bytes_per_request / static_cast<double>(r.input_tokens);
    cfg.first_token_after_decode_step = true;  // SGLang, vLLM's proxy and Dynamo stream tokens from the decode side
    cfg.max_steps = 4'000'000;                 // events; a confirmation is sized to ~120,000 steps (SimRequestsFor)
    const int64_t requests = SimRequestsFor(c, r);
    auto arrivals = GenerateWorkload(ConfirmationWorkload(r, requests), r.seed);
    if (r.budget && !r.budget->Charge(requests).ok()) {
      c.meets_slo = false;
      return;
    }
    auto res = arrivals.ok() ? SimulateDisaggregated(cfg, *arrivals, prefill_model, decode_model)
                             : Result<DisaggResult>(arrivals.error());
    if (!res.ok()) {
      c.note = "disaggregated simulation failed: " + res.error().message;
      c.meets_slo = false;
      return;
    }
    c.latency = {.simulated = true,
                 .ttft = {res->ttft.p50, res->ttft.p95, res->ttft.p99},
                 .tpot = {res->tpot.p50, res->tpot.p95, res->tpot.p99},
                 .e2e = {res->e2e.p50, res->e2e.p95, res->e2e.p99},
                 .simulated_requests = requests};
    c.output_tokens_per_second = res->output_tokens_per_second;
    const bool ttft_ok = res->ttft.p95 <= r.slo_ttft_p95;
    const bool tpot_ok = res->tpot.p95 <= r.slo_tpot_p95;
    if (ttft_ok && tpot_ok) {
      c.meets_slo = true;
      c.note += fmt::format("{}disaggregated simulation: p95 KV transfer (with its queue) {}, p95 prefill queue {}",
                            c.note.empty() ? "" : "; ", FormatSeconds(res->transfer.p95),
                            FormatSeconds(res->prefill_queue.p95));
      return;
    }
    c.note += fmt::format("simulated p95 TTFT {} / TPOT {} with {} prefill + {} decode workers missed a target; ",
                          FormatSeconds(res->ttft.p95), FormatSeconds(res->tpot.p95), cfg.prefill.workers,
                          cfg.decode.workers);
    if (!ttft_ok) {
      if (c.disagg->prefill.parallel.replicas >= r.max_replicas) break;
      c.disagg->prefill.parallel.replicas += 1;
    }
    if (!tpot_ok) {
      if (c.deployment.parallel.replicas >= r.max_replicas) break;
      c.deployment.parallel.replicas += 1;
    }
    c.disagg->prefill_utilisation = r.rate_per_second * c.disagg->prefill_time.v / c.disagg->prefill.parallel.replicas;
    Refresh(c);
    if (!Price(c, prices, r).ok()) break;
  }
  c.meets_slo = false;
}

DisaggVerdict JudgeDisaggregation(const PlanRequest& r, const PlanResult& out) {
  DisaggVerdict v = out.disagg;
  v.considered = out.evaluated_disaggregated > 0;
  if (!v.considered) {
    v.summary = "no disaggregated pairing was looked at: no configuration fits";
    return v;
  }
  const Candidate* agg = nullptr;
  const Candidate* dis = nullptr;
  for (const Candidate& c : out.candidates) {
    if (!c.meets_slo) continue;
    if (c.disagg && !dis) dis = &c;
    if (!c.disagg && !agg) agg = &c;
  }
  v.wins = !out.candidates.empty() && out.candidates.front().disagg.has_value();
  auto price = [](const Candidate& c) {
    return fmt::format("{}/month on {} GPU{}{}", FormatDollars(c.usd_per_month), CandidateGpus(c),
                       CandidateGpus(c) == 1 ? "" : "s", c.latency.simulated ? "" : " (analytic, not simulated)");
  };
  if (agg) {
    // What sharing the GPUs costs decode: the step with the prefill share of new prompts against decodes alone.
    const RooflineStepTimeModel m(r.model, agg->deployment, CalibrationFor(agg->deployment));
    const int n = std::max(1, agg->concurrency_per_replica);
    const Seconds with = SteadyState(m, n, r.input_tokens, r.output_tokens).step;
    const Seconds alone = DecodeStep(m, n, MeanDecodeContext(r));
    v.reasons.push_back(fmt::format(
        "prefill interference raises TPOT from {} (decodes alone) to {} (with the prefill share of new prompts) at {} "
        "running sequences per replica in the cheapest aggregated candidate{}",
        FormatSeconds(alone), FormatSeconds(with), n,
        agg->latency.simulated ? fmt::format(" (simulated p95 {})", FormatSeconds(agg->latency.tpot.p95)) : ""));
  }
  if (dis) {
    const DisaggPlan& dp = *dis->disagg;
    v.reasons.push_back(fmt::format("the KV transfer of {} per request costs {} over {} ({:.1f}% of the TTFT target)",
                                    FormatBytes(dp.kv_bytes_per_request), FormatSeconds(dp.kv_transfer),
                                    dp.nvlink ? "NVLink" : "RDMA", 100 * dp.kv_transfer.v / r.slo_ttft_p95.v));
    std::string busy = fmt::format("the prefill pool ({}) is {:.0f}% busy at {:g} requests/s", PoolText(dp.prefill),
                                   100 * dp.prefill_utilisation, r.rate_per_second);
    if (dp.prefill_utilisation < 0.3)
      busy += ": too few requests to keep a prefill pool busy, and its GPUs are paid for all the same";
    v.reasons.push_back(busy);
  }
  if (v.wins && dis) {
    v.summary = agg ? fmt::format(
                          "disaggregation wins: prefill {} + decode {} costs {} against {} for the cheapest "
                          "aggregated candidate",
                          PoolText(dis->disagg->prefill), PoolText(dis->deployment), price(*dis), price(*agg))
                    : fmt::format(
                          "disaggregation wins: no aggregated candidate meets the targets; prefill {} + "
                          "decode {} costs {}",
                          PoolText(dis->disagg->prefill), PoolText(dis->deployment), price(*dis));
  } else if (dis && agg) {
    v.summary = fmt::format(
        "disaggregation loses: the cheapest disaggregated candidate (prefill {} + decode {}) "
        "costs {} against {} aggregated",
        PoolText(dis->disagg->prefill), PoolText(dis->deployment), price(*dis), price(*agg));
  } else {
    v.summary = "disaggregation loses: no disaggregated candidate meets the targets";
  }
  return v;
}

}  // namespace plan_internal
}  // namespace capplan
