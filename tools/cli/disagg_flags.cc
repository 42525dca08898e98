#include "disagg_flags.h"

#include <fmt/format.h>

#include "capplan/perf.h"
#include "capplan/search.h"
#include "cli_util.h"
#include "perf/collectives.h"
#include "sim/disagg.h"

namespace capplan::cli {
namespace {

struct Pool {
  Deployment deployment;
  MemoryBudget budget;
  int workers = 1;
};

Result<Pool> BuildPool(const ModelSpec& m, const DeploymentFlags& base, const PoolFlags& p, const char* name,
                       int64_t context) {
  DeploymentFlags f = base;
  f.tp = p.tp.value_or(base.tp.value_or(1));
  f.dp_attention = p.dp_attention ? p.dp_attention : base.dp_attention;
  f.ep = p.ep ? p.ep : base.ep;
  f.pp = 1;
  f.moe_tp.reset();
  const int workers = p.workers.value_or(1);
  if (workers < 1)
    return Error::InvalidArgument(fmt::format("--{}-workers={} must be at least 1", name, workers),
                                  fmt::format("--{}-workers", name));
  f.gpus = *f.tp * f.dp_attention.value_or(1);
  Pool out;
  CAPPLAN_ASSIGN_OR_RETURN(out.deployment, BuildDeployment(m, f));
  auto budget = FittingBudget(m, out.deployment, BudgetQuery{.context = context, .batch = 1});
  if (!budget.ok())
    return Error{budget.error().code, fmt::format("{} pool: {}", name, budget.error().message), budget.error().field};
  out.budget = *budget;
  out.workers = workers;
  return out;
}

int TotalGpus(const Pool& p, const Pool& d) {
  return p.workers * p.deployment.parallel.GpusPerReplica() + d.workers * d.deployment.parallel.GpusPerReplica();
}

KvTransferLink LinkOf(const Pool& p, const Pool& d, const PerfCalibration& cal) {
  return KvTransferLinkOf(p.deployment.gpu, p.deployment.parallel.GpusPerReplica(), TotalGpus(p, d), cal);
}

// The KV moves once per request (one copy of every layer's KV or MLA latent), from all GPUs of the
// prefill worker at once: NVLink when both pools fit one scale-up domain, RDMA otherwise.
DisaggConfig ConfigFor(const ModelSpec& m, const Pool& prefill, const Pool& decode, const PerfCalibration& cal,
                       int64_t input) {
  DisaggConfig c;
  c.prefill.workers = prefill.workers;
  c.prefill.max_num_batched_tokens =  // each attention-DP rank of a prefill worker has its own budget
      static_cast<int64_t>(prefill.deployment.engine.max_num_batched_tokens) * prefill.deployment.parallel.dp_attention;
  c.prefill.max_num_seqs = EngineMaxBatch(prefill.deployment, cal);
  c.decode.workers = decode.workers;
  const SchedulerConfig ds = SchedulerFor(decode.deployment, decode.budget, EngineMaxBatch(decode.deployment, cal));
  c.decode.max_num_seqs = std::min(ds.max_num_seqs, decode.budget.max_concurrent_sequences);
  c.decode.kv_capacity_tokens = ds.kv_capacity_tokens;
  c.link = {.bandwidth = LinkOf(prefill, decode, cal).bandwidth, .latency = kDefaultKvTransferLatency};
  c.kv_bytes_per_token = KvBytesPerSequence(m, input, prefill.deployment.kv_dtype, true) /
                         static_cast<double>(std::max<int64_t>(1, input));
  return c;
}

struct ClosedLoopDisagg {
  Seconds ttft, tpot;
  double running_per_decode_worker = 0;
  double requests_per_second = 0;
  double prefill_utilisation = 0;
  bool prefill_bound = false;
};

// N clients cycle through TTFT + (output - 1) x TPOT. Each decode worker runs the clients that are decoding
// (N / workers x the decode share of the cycle, at most `max_running`); the prefill pool serves N / cycle prompts a
// second, with the M/D/1 mean wait while it keeps up, and bounds the rate (the clients queue) when it does not.
template <class StepAt>
ClosedLoopDisagg ClosedLoopSteadyState(int clients, int decode_workers, int prefill_workers, Seconds prefill,
                                       Seconds transfer, int64_t output, int max_running, const StepAt& step_at) {
  ClosedLoopDisagg s;
  double running = std::max(1.0, static_cast<double>(clients) / decode_workers);
  const double decode_tokens = static_cast<double>(std::max<int64_t>(1, output - 1));
  for (int i = 0; i < 60; ++i) {
    const int b = std::clamp(static_cast<int>(std::ceil(running)), 1, std::max(1, max_running));
    s.tpot = step_at(b);
    const Seconds first = step_at(b);
    const double decode_time = s.tpot.v * decode_tokens;
    double cycle = prefill.v + transfer.v + first.v + decode_time;
    double rps = clients / cycle;
    double rho = rps * prefill.v / prefill_workers;
    s.prefill_bound = rho >= 0.95;
    if (s.prefill_bound) {
      rps = 0.95 * prefill_workers / prefill.v;
      cycle = clients / rps;
    } else {
      cycle += rho * prefill.v / (2 * (1 - rho));
      rps = clients / cycle;
      rho = rps * prefill.v / prefill_workers;
    }
    s.ttft = Seconds{cycle - decode_time};
    s.requests_per_second = rps;
    s.prefill_utilisation = rho;
    const double next = std::min<double>(
        std::max(1.0, clients / static_cast<double>(decode_workers) * decode_time / cycle), std::max(1, max_running));
    s.running_per_decode_worker = next;
    if (std::fabs(next - running) < 0.01) break;
    running = 0.5 * (running + next);
  }
  return s;
}

std::string PoolName(const Pool& p) {
  return fmt::format("{} x ({} GPUs, {})", p.workers, p.deployment.parallel.GpusPerReplica(),
                     LayoutName(p.deployment.parallel));
}

void Row(const char* name, const LatencySummary& l) {
  fmt::print("  {:<22} {:>10} {:>10} {:>10} {:>10}\n", name, FormatSeconds(l.mean), FormatSeconds(l.p50),
             FormatSeconds(l.p95), FormatSeconds(l.p99));
}

}  // namespace

bool DisaggFlags::Any() const {
  return disagg || clients || prefill.workers || prefill.tp || prefill.dp_attention || prefill.ep || decode.workers ||
         decode.tp || decode.dp_attention || decode.ep;
}

void AddDisaggFlags(CLI::App& cmd, DisaggFlags& f) {
  cmd.add_flag("--disagg", f.disagg, "Disaggregated prefill and decode pools (implied by any --prefill-*/--decode-*)");
  for (auto [pool, name] : {std::pair{&f.prefill, "prefill"}, std::pair{&f.decode, "decode"}}) {
    const std::string n = name;
    cmd.add_option("--" + n + "-workers", pool->workers, n + " workers (default 1)");
    cmd.add_option("--" + n + "-tp", pool->tp, n + " workers' attention tensor parallelism (default --tp or 1)");
    cmd.add_option("--" + n + "-dp-attention", pool->dp_attention, n + " workers' attention data-parallel ranks");
    cmd.add_option("--" + n + "-ep", pool->ep, n + " workers' expert parallelism");
  }
  cmd.add_option("--disagg-clients", f.clients, "Deprecated: use --concurrency (the same closed loop)")
      ->each([&f](const std::string&) { f.deprecated_clients_flag = true; });
  cmd.add_flag("--prefill-emits-first-token", f.prefill_emits_first_token,
               "Count the prefill worker's token as the first (default: the first decode step's, as SGLang and "
               "Dynamo stream it)");
}

int RunDisaggregated(const ModelSpec& m, const DeploymentFlags& base, const DisaggFlags& f,
                     const std::vector<Request>& requests, int64_t input, int64_t output) {
  const int64_t context = input + output;
  auto prefill = BuildPool(m, base, f.prefill, "prefill", context);
  if (!prefill.ok()) return ReportError(prefill.error());
  auto decode = BuildPool(m, base, f.decode, "decode", context);
  if (!decode.ok()) return ReportError(decode.error());
  const GpuSpec& g = prefill->deployment.gpu;
  const PerfCalibration cal = CalibrationFor(prefill->deployment);
  const RooflineStepTimeModel prefill_model(m, prefill->deployment, cal);
  const RooflineStepTimeModel decode_model(m, decode->deployment, cal);

  DisaggConfig c = ConfigFor(m, *prefill, *decode, cal, input);
  c.first_token_after_decode_step = !f.prefill_emits_first_token;
  c.closed_loop_clients = f.clients;
  if (f.clients) c.closed_loop_warmup_requests = -1;  // DefaultWarmupRequests, and the drain, as aggregated
  const int total_gpus = TotalGpus(*prefill, *decode);
  const bool nvlink = LinkOf(*prefill, *decode, cal).nvlink;

  auto r = SimulateDisaggregated(c, requests, prefill_model, decode_model);
  if (!r.ok()) return ReportError(r.error());
  fmt::print("{} disaggregated on {}: prefill {}, decode {}; {} GPUs\n", m.name, g.name, PoolName(*prefill),
             PoolName(*decode), total_gpus);
  fmt::print(
      "KV transfer over {} at {}/s per prefill worker, {} per prompt token; decode KV pool {} tokens per "
      "worker, up to {} running\n\n",
      nvlink ? "NVLink" : "RDMA (scale-out network)", FormatBytes(Bytes{c.link.bandwidth.v}),
      FormatBytes(c.kv_bytes_per_token), c.decode.kv_capacity_tokens, c.decode.max_num_seqs);
  fmt::print("  {:<22} {:>10} {:>10} {:>10} {:>10}\n", "metric", "mean", "p50", "p95", "p99");
  Row("TTFT", r->ttft);
  Row("  prefill queue", r->prefill_queue);
  Row("  KV transfer (+queue)", r->transfer);
  Row("TPOT", r->tpot);
  Row("E2E", r->e2e);
  fmt::print("\n  throughput  {:.0f} output tok/s, {:.2f} requests/s over {} ({} requests)\n",
             r->output_tokens_per_second, r->requests_per_second, FormatSeconds(r->window), r->completed_requests);
  if (f.clients)
    fmt::print("closed loop of {} clients: the first {} requests (warm-up) and the last {} (drain) are not measured\n",
               *f.clients, DefaultWarmupRequests(*f.clients), *f.clients);
  fmt::print("TTFT = prefill queue + prefill + KV transfer{}; docs/scale.md.\n",
             c.first_token_after_decode_step ? " + the first decode step" : "");
  return 0;
}

int PrintDisaggregatedPerf(const ModelSpec& m, const DeploymentFlags& base, const DisaggFlags& f, int64_t input,
                           int64_t output, int batch) {
  auto prefill = BuildPool(m, base, f.prefill, "prefill", input + output);
  if (!prefill.ok()) return ReportError(prefill.error());
  auto decode = BuildPool(m, base, f.decode, "decode", input + output);
  if (!decode.ok()) return ReportError(decode.error());
  const PerfCalibration cal = CalibrationFor(prefill->deployment);
  const RooflineStepTimeModel prefill_model(m, prefill->deployment, cal);
  const RooflineStepTimeModel decode_model(m, decode->deployment, cal);
  const DisaggConfig c = ConfigFor(m, *prefill, *decode, cal, input);
  const Seconds prefill_time = PrefillTime(prefill_model, input);
  const Seconds transfer = c.link.latency + c.kv_bytes_per_token * static_cast<double>(input) / c.link.bandwidth;
  const Seconds tpot = decode_model.StepTime(DecodeShape(batch, input + output / 2));
  const Seconds first = decode_model.StepTime(DecodeShape(batch, input));
  fmt::print("{} disaggregated on {}: prefill {}, decode {}; {} GPUs\n", m.name, prefill->deployment.gpu.name,
             PoolName(*prefill), PoolName(*decode), TotalGpus(*prefill, *decode));
  fmt::print(
      "  TTFT (idle, one {}-token prompt)  {} = prefill {} + KV transfer {} ({} over {}) + first decode step "
      "{}\n",
      input, FormatSeconds(prefill_time + transfer + first), FormatSeconds(prefill_time), FormatSeconds(transfer),
      FormatBytes(c.kv_bytes_per_token * static_cast<double>(input)),
      LinkOf(*prefill, *decode, cal).nvlink ? "NVLink" : "RDMA", FormatSeconds(first));
  fmt::print("  TPOT at batch {} per decode worker  {}\n", batch, FormatSeconds(tpot));
  fmt::print("  decode throughput                   {:.0f} output tok/s ({} workers)\n",
             batch / tpot.v * decode->workers, decode->workers);
  fmt::print("  decode KV pool                      {} sequences of {} tokens per worker\n",
             decode->budget.max_concurrent_sequences, input + output);
  if (f.clients) {
    const ClosedLoopDisagg s = ClosedLoopSteadyState(
        *f.clients, decode->workers, prefill->workers, prefill_time, transfer, output, c.decode.max_num_seqs,
        [&](int b) { return decode_model.StepTime(DecodeShape(b, input + output / 2)); });
    fmt::print(
        "  closed loop of {} clients (analytic steady state): TTFT {}, TPOT {}, {:.1f} running per decode worker, "
        "{:.0f} output tok/s, {:.2f} requests/s; prefill pool {:.0f}% busy{}\n",
        *f.clients, FormatSeconds(s.ttft), FormatSeconds(s.tpot), s.running_per_decode_worker,
        s.requests_per_second * static_cast<double>(output), s.requests_per_second, 100 * s.prefill_utilisation,
        s.prefill_bound ? " (prefill-bound: the clients queue for it)" : "");
  }
  return 0;
}

Status MergeConcurrency(DisaggFlags& f, std::optional<int> concurrency) {
  if (f.deprecated_clients_flag)
    fmt::print(stderr, "capplan: warning: --disagg-clients is deprecated; use --concurrency (the same closed loop)\n");
  if (concurrency && f.clients && *concurrency != *f.clients)
    return Error::InvalidArgument(
        fmt::format("--concurrency={} and --disagg-clients={} disagree: give --concurrency", *concurrency, *f.clients),
        "--concurrency");
  if (concurrency) f.clients = concurrency;
  return Ok{};
}

}  // namespace capplan::cli
