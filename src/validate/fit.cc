// Predicting the sweep rows, summarising the error, fitting the per-(engine, GPU family) constants and
// cross-validating the fit by model and by GPU.
#include <algorithm>
#include <cmath>
#include <set>

#include "capplan/validate.h"
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
constexpr Range kHbm{0.55, 0.92}, kMatmul{0.30, 0.85}, kHalf{4, 2048}, kStep{0, 0.030}, kSeq{0, 200e-6},
    kLayer{0, 100e-6};

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
    default:
      return c.first_wave_weight;
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
      c.expert_half_tokens = std::clamp(v, kHalf.lo, kHalf.hi);
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
    default:
      c.first_wave_weight = std::clamp(v, 0.0, 1.0);
      break;
  }
}

// A zero constant cannot be scaled: it is seeded at a small physical value first.
constexpr double kSeed[] = {0.8, 0.6, 64, 64, 1e-3, 5e-6, 10e-6, 0.1};

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
  for (const SweepCase& c : cases) {
    if (!c.expressible) continue;
    const PerfCalibration cal = SelectCalibration(cals, c.deployment.gpu, EngineOf(c));
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
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<SweepSummary> SummariseSweeps(const std::vector<SweepPoint>& points, std::string_view key) {
  std::map<std::string, std::vector<const SweepPoint*>> groups;
  for (const auto& p : points) {
    std::string g = EngineOf(*p.c);
    if (key == "engine_gpu" || key == "engine_gpu_model") g += " " + p.c->gpu_id;
    if (key == "engine_gpu_model") g += " " + p.c->model;
    if (key == "all") g = "all";
    groups[g].push_back(&p);
  }
  std::vector<SweepSummary> out;
  for (const auto& [g, pts] : groups) {
    for (const char* metric : {"ttft", "tpot"}) {
      std::vector<double> abs_err;
      double signed_sum = 0;
      for (const SweepPoint* p : pts) {
        const double e = std::string_view(metric) == "ttft" ? p->ttft_err_pct : p->tpot_err_pct;
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
    if (c.expressible && c.family == start.family && EngineOf(c) == start.engine) mine.push_back(c);
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
    if (!c.expressible) continue;
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
    for (const auto& v : versions[{engine, family}]) vs += (vs.empty() ? "" : ", ") + v;
    fitted.fitted_on = "serving-sweeps " + engine + " " + vs;
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
