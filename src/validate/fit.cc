// Predicting the sweep rows, summarising the error, fitting the per-(engine, GPU family) constants and
// cross-validating the fit by model and by GPU.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <set>
#include <thread>

#include "capplan/validate.h"
#include "perf/collectives.h"
#include "sim/disagg.h"
#include "validate/descent.h"

namespace capplan {
namespace {

using validate_internal::Median;

std::string EngineOf(const SweepCase& c) { return std::string(EngineName(c.deployment.engine.engine)); }

// The fit may move each constant only within what hardware and software plausibly reach: a fit that needs 40% of
// HBM peak would be hiding a missing mechanism, not measuring the GPU. HBM: STREAM-like copies reach 85-92% of
// peak on H100/H200/B200; large GEMMs 50-85% of dense peak; host time per step 0-30 ms (Python schedulers).
struct Range {
  double lo, hi;
};
// Per request, the API server's own path (HTTP, tokenization, detokenization of the first token): 0-50 ms.
// Expert GEMMs: a grouped GEMM pads each expert's rows to its M tile (128 rows in the Hopper and Blackwell grouped
// kernels of CUTLASS, DeepGEMM, triton), so at one row per expert it computes at most one tile: half efficiency
// beyond 128 rows would make a one-row expert GEMM slower than a full tile's, and compute-bound where it reads its
// weights (BF16 on H100: the ridge is ~130 rows at 45% of peak; Mixtral's decode at batch 4 then ran slower than a
// dense model of its total size).
constexpr Range kHbm{0.55, 0.92}, kMatmul{0.30, 0.85}, kHalf{4, 2048}, kExpertHalf{4, 128}, kStep{0, 0.030},
    kSeq{0, 200e-6}, kLayer{0, 100e-6}, kRequest{0, 0.050};
// Per GEMM kernel: a launch inside a CUDA graph and a short kernel's ramp and tail cost 2-10 us on Hopper and
// Blackwell, plus the activation-quantization kernel an FP8 or FP4 GEMM's input needs: 0-30 us.
constexpr Range kGemmLaunch{0, 30e-6};

double Get(const PerfCalibration& c, int k) {
  switch (k) {
    case 0:
      return c.hbm_efficiency;
    case 1:
      return c.matmul_efficiency;
    case 2:
      return c.matmul_half_tokens;
    case 3:
      return c.expert_half_tokens > 0 ? c.expert_half_tokens : c.matmul_half_tokens;
    case 4:
      return c.step_overhead.v;
    case 5:
      return c.sequence_overhead.v;
    case 6:
      return c.layer_overhead.v;
    case 7:
      return c.first_wave_weight;
    case 8:
      return c.request_overhead.v;
    default:
      return c.gemm_launch_overhead.v;
  }
}

void Set(PerfCalibration& c, int k, double v) {
  switch (k) {
    case 0:
      c.hbm_efficiency = std::clamp(v, kHbm.lo, kHbm.hi);
      break;
    case 1:
      c.matmul_efficiency = std::clamp(v, kMatmul.lo, kMatmul.hi);
      break;
    case 2:
      c.matmul_half_tokens = std::clamp(v, kHalf.lo, kHalf.hi);
      break;
    case 3:
      c.expert_half_tokens = std::clamp(v, kExpertHalf.lo, kExpertHalf.hi);
      break;
    case 4:
      c.step_overhead = Seconds{std::clamp(v, kStep.lo, kStep.hi)};
      break;
    case 5:
      c.sequence_overhead = Seconds{std::clamp(v, kSeq.lo, kSeq.hi)};
      break;
    case 6:
      c.layer_overhead = Seconds{std::clamp(v, kLayer.lo, kLayer.hi)};
      break;
    case 7:
      c.first_wave_weight = std::clamp(v, 0.0, 1.0);
      break;
    case 8:
      c.request_overhead = Seconds{std::clamp(v, kRequest.lo, kRequest.hi)};
      break;
    default:
      c.gemm_launch_overhead = Seconds{std::clamp(v, kGemmLaunch.lo, kGemmLaunch.hi)};
      break;
  }
}

// A zero constant cannot be scaled: it is seeded at a small physical value first.
constexpr double kSeed[] = {0.8, 0.6, 64, 64, 1e-3, 5e-6, 10e-6, 0.1, 5e-3, 5e-6};

// The fit's objective: median |error| of TPOT plus that of TTFT (the two targets, TTFT weighted by the
// ratio of the targets, 15 / 25), so neither metric is traded away for the other.
double Score(const std::vector<SweepPoint>& pts) {
  std::vector<double> t, f;
  for (const auto& p : pts) {
    t.push_back(std::fabs(p.tpot_err_pct));
    f.push_back(std::fabs(p.ttft_err_pct));
  }
  return pts.empty() ? 1e9 : Median(t) + 0.6 * Median(f);
}

/// Per-transfer setup of a KV move (connection handshake, first byte): the value `capplan simulate --disagg` uses
/// (tools/cli/disagg_flags.cc; NIXL/Mooncake report sub-millisecond setup on RDMA, 1 ms is the conservative end).
constexpr Seconds kKvTransferLatency{1e-3};

// The decode pool's steps are decode-only and differ step to step only by their context, which grows by one
// token per sequence: priced once per bin of mean context (1/512 of it, at least 8 tokens; the step time is
// linear in context, so the bin centre is within 0.1% of the exact step) and reused. Prefill shapes pass through.
class BinnedDecodeSteps final : public StepTimeModel {
 public:
  explicit BinnedDecodeSteps(const StepTimeModel& exact) : exact_(exact) {}
  Seconds StepTime(const BatchShape& s) const override {
    if (s.prefill_tokens > 0 || s.decode_sequences <= 0) return exact_.StepTime(s);
    const int64_t mean = s.decode_context_tokens / s.decode_sequences;
    const int64_t bin = std::max<int64_t>(8, mean / 512);
    const int64_t centre = (mean / bin) * bin + bin / 2;
    const auto key = std::make_pair(s.decode_sequences, centre);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    const Seconds t = exact_.StepTime(DecodeShape(s.decode_sequences, centre));
    cache_.emplace(key, t);
    return t;
  }

 private:
  const StepTimeModel& exact_;
  mutable std::map<std::pair<int, int64_t>, Seconds> cache_;  // one row's simulation, one thread
};

// A disaggregated row: its clients' closed loop through the prefill and decode pools (src/sim/disagg.h), each
// pool priced by its own layout with the row's engine constants. TTFT includes the first decode step (Dynamo
// and SGLang stream the first token from the decode worker) and the engine's per-request overhead.
SweepPoint PredictDisagg(const SweepCase& c, const PerfCalibration& cal) {
  const ModelSpec& m = *c.spec;
  const RooflineStepTimeModel prefill_model(m, c.deployment, cal);
  const RooflineStepTimeModel decode_model(m, c.decode, cal);
  DisaggConfig config;
  config.prefill.workers = c.prefill_workers;
  config.prefill.max_num_batched_tokens = static_cast<int64_t>(c.deployment.engine.max_num_batched_tokens) *
                                          std::max(1, c.deployment.parallel.dp_attention);
  config.prefill.max_num_seqs = EngineMaxBatch(c.deployment, cal);
  config.decode.workers = c.decode_workers;
  config.decode.max_num_seqs = std::min(EngineMaxBatch(c.decode, cal), c.decode_max_seqs);
  config.decode.kv_capacity_tokens = std::max<int64_t>(c.row->isl + c.row->osl, c.decode_kv_tokens);
  const int total_gpus = c.prefill_workers * c.deployment.parallel.GpusPerReplica() +
                         c.decode_workers * c.decode.parallel.GpusPerReplica();
  config.link = {
      .bandwidth =
          KvTransferLinkOf(c.deployment.gpu, c.deployment.parallel.GpusPerReplica(), total_gpus, cal).bandwidth,
      .latency = kKvTransferLatency};
  config.kv_bytes_per_token = KvBytesPerSequence(m, c.row->isl, c.deployment.kv_dtype, true) /
                              static_cast<double>(std::max<int64_t>(1, c.row->isl));
  config.closed_loop_clients = c.clients;
  const std::vector<Request> requests(static_cast<size_t>(c.clients) * kDisaggRequestsPerClient,
                                      Request{Seconds{0}, c.row->isl, c.row->osl});
  SweepPoint s{.c = &c};
  s.running_limit = "disagg";
  const BinnedDecodeSteps binned(decode_model);
  auto r = SimulateDisaggregated(config, requests, prefill_model, binned);
  if (!r.ok()) {
    s.bound = "not simulated: " + r.error().message;
    s.ttft_pred_s = s.tpot_pred_s = 0;
  } else {
    // The benchmark's mean: its first wave (the first request of every client) with the harness's share of
    // requests (first_wave_weight, fitted on the aggregated rows), the later rounds with the rest.
    double ttft[2] = {0, 0}, tpot[2] = {0, 0};
    int n[2] = {0, 0};
    for (size_t i = 0; i < r->requests.size(); ++i) {
      const DisaggRecord& q = r->requests[i];
      const int round = i < static_cast<size_t>(c.clients) ? 0 : 1;
      ttft[round] += (q.first_token - q.arrival).v;
      tpot[round] += c.row->osl > 1 ? (q.finished - q.first_token).v / static_cast<double>(c.row->osl - 1) : 0;
      ++n[round];
    }
    const double w = n[1] > 0 ? cal.first_wave_weight : 1.0;
    auto mean = [&](const double* v) { return w * v[0] / std::max(1, n[0]) + (1 - w) * v[1] / std::max(1, n[1]); };
    s.ttft_pred_s = mean(ttft) + cal.request_overhead.v;
    s.tpot_pred_s = mean(tpot);
    s.bound = std::string(
        BoundName(decode_model.Breakdown(DecodeShape(config.decode.max_num_seqs, c.row->isl + c.row->osl / 2)).bound));
  }
  s.ttft_err_pct = (s.ttft_pred_s - c.ttft_s) / c.ttft_s * 100.0;
  s.tpot_err_pct = (s.tpot_pred_s - c.tpot_s) / c.tpot_s * 100.0;
  return s;
}

// Throughput of the closed loop from its mean latencies (Little's law), for the measured and the predicted means.
void SetThroughput(SweepPoint& p) {
  const SweepCase& c = *p.c;
  const double osl = static_cast<double>(c.row->osl);
  auto tput = [&](double ttft, double tpot) {
    const double e2e = ttft + (osl - 1) * tpot;
    return e2e > 0 ? c.clients * osl / e2e : 0.0;
  };
  p.tput_meas = tput(c.ttft_s, c.tpot_s);
  p.tput_pred = tput(p.ttft_pred_s, p.tpot_pred_s);
  p.tput_err_pct = p.tput_meas > 0 ? (p.tput_pred - p.tput_meas) / p.tput_meas * 100.0 : 0;
}

}  // namespace

namespace validate_internal {

PerfCalibration CoordinateDescent(const PerfCalibration& start, const DescentGrid& grid,
                                  const std::function<PerfCalibration(const PerfCalibration&, int, double)>& scaled,
                                  const std::function<double(const PerfCalibration&)>& score) {
  PerfCalibration best = start;
  double best_score = score(best);
  for (int sweep = 0; sweep < grid.sweeps; ++sweep) {
    for (int k = 0; k < grid.constants; ++k) {
      for (double f : grid.factors) {
        PerfCalibration c = scaled(best, k, f);
        const double s = score(c);
        if (s < best_score) {
          best_score = s;
          best = c;
        }
      }
    }
  }
  return best;
}

}  // namespace validate_internal

std::vector<SweepPoint> PredictSweeps(const std::vector<SweepCase>& cases, const std::vector<PerfCalibration>& cals) {
  std::vector<SweepPoint> out;
  // The disaggregated rows are simulations (tens of milliseconds each): run on every core, each row on its own
  // thread-local models, results in row order.
  std::vector<const SweepCase*> disagg;
  for (const SweepCase& c : cases)
    if (c.expressible && c.disagg) disagg.push_back(&c);
  std::vector<SweepPoint> disagg_points(disagg.size());
  {
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i = next++; i < disagg.size(); i = next++)
        disagg_points[i] =
            PredictDisagg(*disagg[i], SelectCalibration(cals, disagg[i]->deployment.gpu, EngineOf(*disagg[i])));
    };
    const size_t threads = std::min<size_t>(disagg.size(), std::clamp(std::thread::hardware_concurrency(), 1u, 16u));
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
    if (!disagg.empty()) work();
    for (std::thread& t : pool) t.join();
  }
  size_t next_disagg = 0;
  for (const SweepCase& c : cases) {
    if (!c.expressible) continue;
    const PerfCalibration cal = SelectCalibration(cals, c.deployment.gpu, EngineOf(c));
    if (c.disagg) {
      out.push_back(std::move(disagg_points[next_disagg++]));
      SetThroughput(out.back());
      continue;
    }
    const RooflineStepTimeModel model(*c.spec, c.deployment, cal);
    const ClosedLoopPoint p = ClosedLoopSteadyState(model, c.clients, c.row->isl, c.row->osl,
                                                    EngineMaxBatch(c.deployment, cal), c.kv_sequences);
    // The benchmark's mean TTFT: its first, synchronised wave weighs in with the harness's share of requests.
    const double ttft = (1 - cal.first_wave_weight) * p.ttft.v + cal.first_wave_weight * p.first_wave_ttft.v;
    SweepPoint s{.c = &c, .ttft_pred_s = ttft, .tpot_pred_s = p.tpot.v};
    s.ttft_err_pct = (s.ttft_pred_s - c.ttft_s) / c.ttft_s * 100.0;
    s.tpot_err_pct = (s.tpot_pred_s - c.tpot_s) / c.tpot_s * 100.0;
    s.bound = std::string(BoundName(p.step.bound));
    s.running_limit = p.running_limit;
    SetThroughput(s);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<SweepSummary> SummariseSweeps(const std::vector<SweepPoint>& points, std::string_view key) {
  std::map<std::string, std::vector<const SweepPoint*>> groups;
  for (const auto& p : points) {
    std::string g = EngineOf(*p.c);
    if (key == "engine_mode") g += " " + p.c->layout_mode;
    if (key == "engine_gpu" || key == "engine_gpu_model") g += " " + p.c->gpu_id;
    if (key == "engine_gpu_model") g += " " + p.c->model;
    if (key == "all") g = "all";
    groups[g].push_back(&p);
  }
  std::vector<SweepSummary> out;
  for (const auto& [g, pts] : groups) {
    for (const char* metric : {"ttft", "tpot", "throughput"}) {
      std::vector<double> abs_err;
      double signed_sum = 0;
      for (const SweepPoint* p : pts) {
        const std::string_view m = metric;
        const double e = m == "ttft" ? p->ttft_err_pct : m == "tpot" ? p->tpot_err_pct : p->tput_err_pct;
        abs_err.push_back(std::fabs(e));
        signed_sum += e;
      }
      out.push_back({.group = g,
                     .metric = metric,
                     .n = static_cast<int>(pts.size()),
                     .median_abs_pct = Median(abs_err),
                     .mean_signed_pct = signed_sum / static_cast<double>(pts.size())});
    }
  }
  return out;
}

PerfCalibration FitEngineCalibration(const std::vector<SweepCase>& cases, const PerfCalibration& start) {
  std::vector<SweepCase> mine;
  for (const SweepCase& c : cases)
    if (c.expressible && !c.disagg && c.family == start.family && EngineOf(c) == start.engine) mine.push_back(c);
  if (mine.empty()) return start;
  auto score = [&](const PerfCalibration& c) { return Score(PredictSweeps(mine, {c})); };
  auto scaled = [](const PerfCalibration& from, int k, double f) {
    PerfCalibration c = from;
    const double v = Get(c, k);
    Set(c, k, (v > 0 ? v : kSeed[k]) * f);
    return c;
  };
  static constexpr double kFactors[] = {0.5, 0.7, 0.85, 1.15, 1.4, 2.0};
  return validate_internal::CoordinateDescent(
      start, {.constants = kFittedConstantsPerSet, .factors = kFactors, .sweeps = 3}, scaled, score);
}

std::vector<PerfCalibration> FitAllEngines(const std::vector<SweepCase>& cases,
                                           const std::vector<PerfCalibration>& priors) {
  std::set<std::pair<std::string, std::string>> sets;  // (engine, family) with rows
  std::map<std::pair<std::string, std::string>, std::set<std::string>> versions;
  for (const SweepCase& c : cases) {
    if (!c.expressible || c.disagg) continue;  // disaggregated rows are predicted, never fitted on
    sets.insert({EngineOf(c), c.family});
    versions[{EngineOf(c), c.family}].insert(c.row->backend_version.empty() ? "unstated" : c.row->backend_version);
  }
  std::vector<PerfCalibration> out;
  for (const PerfCalibration& p : priors)
    if (p.engine.empty()) out.push_back(p);  // the engine-independent family priors stay
  for (const auto& [engine, family] : sets) {
    PerfCalibration start;
    bool found = false;
    for (const PerfCalibration& p : priors) {
      if (p.family == family && p.engine == engine) {
        start = p;
        found = true;
        break;
      }
    }
    if (!found) {
      for (const PerfCalibration& p : priors)
        if (p.family == family && p.engine.empty()) start = p;
      start.family = family;
      start.engine = engine;
    }
    // Each engine's own scheduler: SGLang and TensorRT-LLM overlap the CPU scheduler with the GPU by default
    // (SGLang's overlap scheduler, TensorRT-LLM's PyTorch-backend overlap scheduler); vLLM V1 does not by default
    // (--async-scheduling is opt-in in the versions measured).
    start.overlap_scheduler = engine != "vllm";
    PerfCalibration fitted = FitEngineCalibration(cases, start);
    std::string vs;
    for (const auto& v : versions[{engine, family}]) {
      if (!vs.empty()) vs += ", ";
      vs += v;
    }
    fitted.fitted_on = fmt::format("serving-sweeps {} {}", engine, vs);
    out.push_back(fitted);
  }
  return out;
}

std::vector<SweepPoint> CrossValidateSweeps(const std::vector<SweepCase>& cases,
                                            const std::vector<PerfCalibration>& priors, std::string_view by) {
  auto key = [&](const SweepCase& c) { return by == "gpu" ? c.gpu_id : c.model; };
  std::set<std::string> keys;
  for (const SweepCase& c : cases)
    if (c.expressible) keys.insert(key(c));
  std::vector<SweepPoint> out;
  // Points refer to cases by pointer: the held-out cases are predicted from `cases` itself.
  for (const std::string& held : keys) {
    std::vector<SweepCase> train;
    for (const SweepCase& c : cases)
      if (c.expressible && key(c) != held) train.push_back(c);
    const std::vector<PerfCalibration> fitted = FitAllEngines(train, priors);
    for (const SweepCase& c : cases) {
      if (!c.expressible || key(c) != held) continue;
      // An (engine, family) set with no training rows falls back to the family prior (SelectCalibration does).
      std::vector<SweepPoint> one = PredictSweeps({c}, fitted);
      for (SweepPoint& p : one) p.c = &c;
      out.insert(out.end(), one.begin(), one.end());
    }
  }
  return out;
}

}  // namespace capplan
