// Predicted vs published max-load throughput: translating measurement rows into deployments, predicting them,
// summarising the error, and fitting the family calibrations. The measurements are TensorRT-LLM runs; capplan prices
// them with the TensorRT-LLM engine profile.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>

#include "capplan/csv.h"
#include "capplan/embedded.h"
#include "capplan/validate.h"
#include "validate/descent.h"

namespace capplan {
namespace {

using validate_internal::Median;

bool Contains(const std::string& s, std::string_view needle) { return s.find(needle) != std::string::npos; }

// A whole non-negative integer (digits only; false past int64 too: std::stoll threw there).
bool ParseInt(const std::string& s, int64_t& out) {
  if (s.empty()) return false;
  for (char ch : s)
    if (!std::isdigit(static_cast<unsigned char>(ch))) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// The number a text starts with ("2.5 req/s" -> 2.5), as std::stod read it, without its exception.
bool ParseLeadingDouble(const std::string& s, double& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end != s.data();
}

// Published model names -> capplan presets. Llama 3.3 70B shares Llama 3.1 70B's architecture.
std::string PresetFor(const std::string& model) {
  if (Contains(model, "Llama-3.1-8B")) return "llama-3.1-8b";
  if (Contains(model, "Llama-3.1-70B") || Contains(model, "Llama-3.3-70B")) return "llama-3.1-70b";
  if (Contains(model, "Llama-3.1-405B")) return "llama-3.1-405b";
  if (Contains(model, "Mixtral-8x7B")) return "mixtral-8x7b";
  if (Contains(model, "Llama-4-Scout")) return "llama-4-scout";
  if (Contains(model, "Llama-4-Maverick")) return "llama-4-maverick";
  if (Contains(model, "Qwen3-30B-A3B")) return "qwen3-30b-a3b";
  return "";
}

// The measurement's GPU name is a catalog alias (data/hardware: "H100-SXM-80GB", "B200").
std::string GpuFor(const std::string& gpu) {
  if (Contains(gpu, "CTS")) return "";  // custom-thermal H200 variant: clocks and power not in the catalog
  auto g = GpuCatalog::BuiltIn().Find(gpu);
  return g.ok() ? g->id : "";
}

bool DTypeFor(const std::string& text, DType& out) {
  if (text.rfind("FP8", 0) == 0) {
    out = DType::kFP8;
    return true;
  }
  if (text.rfind("FP4", 0) == 0) {
    out = DType::kNVFP4;
    return true;
  }
  if (text.rfind("BF16", 0) == 0) {
    out = DType::kBF16;
    return true;
  }
  if (text.rfind("FP16", 0) == 0) {
    out = DType::kFP16;
    return true;
  }
  return false;
}

}  // namespace

Result<std::vector<MeasurementRow>> ParseMeasurementsCsv(std::string_view text, std::string_view source_name) {
  CAPPLAN_ASSIGN_OR_RETURN(CsvTable t, ParseCsv(text, source_name));
  static const char* kColumns[] = {
      "source", "model", "weights_dtype", "kv_dtype",   "framework",   "gpu",          "gpu_count", "tp",    "ep",
      "pp",     "dp",    "input_len",     "output_len", "concurrency", "request_rate", "metric",    "value", "unit",
      "notes"};
  std::vector<int> idx;
  for (const char* c : kColumns) {
    const int i = t.Column(c);
    if (i < 0) return Error::Parse(std::string(source_name) + ": missing column '" + c + "'", c);
    idx.push_back(i);
  }
  std::vector<MeasurementRow> out;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& f = t.rows[r];
    MeasurementRow m;
    m.line = t.lines[r];
    std::string* dst[] = {&m.source,     &m.model,       &m.weights_dtype,
                          &m.kv_dtype,   &m.framework,   &m.gpu,
                          &m.gpu_count,  &m.tp,          &m.ep,
                          &m.pp,         &m.dp,          &m.input_len,
                          &m.output_len, &m.concurrency, &m.request_rate,
                          &m.metric,     &m.value,       &m.unit,
                          &m.notes};
    for (size_t k = 0; k < idx.size(); ++k) *dst[k] = f[static_cast<size_t>(idx[k])];
    out.push_back(std::move(m));
  }
  return out;
}

const std::vector<MeasurementRow>& BuiltInMeasurements() {
  static const std::vector<MeasurementRow> kRows = [] {
    auto text = FindEmbedded(embedded::perf(), "validation/published-measurements.csv");
    if (!text) return std::vector<MeasurementRow>{};
    auto rows = ParseMeasurementsCsv(*text, "data/validation/published-measurements.csv");
    return rows.ok() ? *rows : std::vector<MeasurementRow>{};
  }();
  return kRows;
}

ExpressedRow ExpressRow(const MeasurementRow& r) {
  ExpressedRow e;
  auto no = [&](std::string why) {
    e.reason = std::move(why);
    return e;
  };
  e.preset = PresetFor(r.model);
  if (e.preset.empty()) return no("no capplan preset for model '" + r.model + "'");
  e.gpu_id = GpuFor(r.gpu);
  if (e.gpu_id.empty()) return no("GPU '" + r.gpu + "' not in the catalog (or a non-standard variant)");
  if (!DTypeFor(r.weights_dtype, e.weights)) return no("weights precision not stated");
  // KV: stated, or FP8 with FP8/FP4 checkpoints (ModelOpt quantizes the KV cache with the weights).
  if (!DTypeFor(r.kv_dtype, e.kv))
    e.kv = (e.weights == DType::kFP8 || e.weights == DType::kNVFP4) ? DType::kFP8 : e.weights;
  int64_t count = 0, tp = 0, pp = 0;
  if (!ParseInt(r.gpu_count, count) || !ParseInt(r.tp, tp) || !ParseInt(r.pp, pp) || tp < 1 || pp < 1)
    return no("parallelism (tp/pp) not stated");
  if (count % (tp * pp) != 0) return no("gpu_count not a multiple of tp x pp");
  e.parallel.tp = static_cast<int>(tp);
  e.parallel.pp = static_cast<int>(pp);
  e.parallel.replicas = static_cast<int>(count / (tp * pp));
  // Attention data parallelism with MoE (TensorRT-LLM's PyTorch backend, enable_attention_dp): the table's tp GPUs
  // are that many attention ranks of TP 1, each with its own sequences, KV and batch, and the experts spread over
  // all of them (EP = tp): the attention-DP layout (docs/scale.md), with the dispatch and combine it pays.
  if (Contains(r.dp, "attention DP") &&
      (e.preset == "llama-4-scout" || e.preset == "qwen3-30b-a3b" || e.preset == "llama-4-maverick")) {
    e.parallel.dp_attention = e.parallel.tp;
    e.parallel.ep = e.parallel.tp;
    e.parallel.tp = 1;
  }
  if (!ParseInt(r.input_len, e.input_tokens) || !ParseInt(r.output_len, e.output_tokens))
    return no("input/output lengths are a dataset distribution, not fixed lengths");
  try {
    e.measured = std::stod(r.value);
  } catch (...) {
    return no("value is not a number");
  }
  if (r.unit == "ms") e.measured /= 1000.0;
  if (r.concurrency == "unbounded" && r.metric == "output_throughput_total") {
    e.kind = "max_load";
  } else if (Contains(r.request_rate, "req/s") && r.request_rate != "inf") {
    e.kind = "online";
    if (!ParseLeadingDouble(r.request_rate, e.request_rate))
      return no("request_rate '" + r.request_rate + "' is not a number");
  } else {
    return no("metric '" + r.metric + "' at rate '" + r.request_rate + "' is not modelled");
  }
  e.expressible = true;
  return e;
}

Result<Deployment> RowDeployment(const ExpressedRow& e) {
  CAPPLAN_ASSIGN_OR_RETURN(GpuSpec gpu, GpuCatalog::BuiltIn().Find(e.gpu_id));
  return Deployment{.gpu = gpu,
                    .parallel = e.parallel,
                    .weights = UniformWeightPrecision(e.weights),
                    .kv_dtype = e.kv,
                    .engine = DefaultEngineProfile(Engine::kTrtllm)};
}

std::vector<ValidationPoint> ValidateMaxLoad(const std::vector<MeasurementRow>& rows,
                                             const std::vector<PerfCalibration>& calibrations) {
  std::vector<ValidationPoint> out;
  std::map<std::string, ModelSpec> models;
  for (const auto& r : rows) {
    ValidationPoint p;
    p.row = r;
    p.expressed = ExpressRow(r);
    if (p.expressed.expressible && p.expressed.kind != "max_load") continue;  // online rows: simulator
    if (p.expressed.expressible) {
      auto d = RowDeployment(p.expressed);
      if (!models.count(p.expressed.preset)) {
        auto m = LoadPreset(p.expressed.preset);
        if (m.ok()) models.emplace(p.expressed.preset, *m);
      }
      if (!d.ok() || !models.count(p.expressed.preset)) {
        p.expressed.expressible = false;
        p.expressed.reason = "catalog lookup failed";
      } else {
        const PerfCalibration cal = SelectCalibration(calibrations, d->gpu);
        // trtllm-bench picks its own max batch for max-load runs (a heuristic over memory, not a documented
        // default): the family's max_batch stands for it here, and only here.
        d->max_num_seqs = cal.max_batch;
        auto pred = PredictPerformance(
            models.at(p.expressed.preset), *d,
            PerfQuery{.input_tokens = p.expressed.input_tokens, .output_tokens = p.expressed.output_tokens, .batch = 1},
            cal);
        if (!pred.ok()) {
          p.expressed.expressible = false;
          p.expressed.reason = "capplan predicts it does not run: " + pred.error().message;
        } else {
          p.predicted = pred->max_load.output_tokens_per_second;
          p.error_pct = (p.predicted - p.expressed.measured) / p.expressed.measured * 100.0;
          p.concurrency = pred->max_load.concurrency;
          p.concurrency_limit = pred->max_load.concurrency_limit;
          p.bound = std::string(BoundName(pred->max_load.step.v > 0 ? pred->decode.bound : Bound::kWeightsRead));
        }
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<ErrorSummary> SummariseErrors(const std::vector<ValidationPoint>& points, std::string_view key) {
  std::map<std::string, std::vector<double>> abs_err, signed_err;
  for (const auto& p : points) {
    if (!p.expressed.expressible) continue;
    std::string g = "all";
    if (key == "model")
      g = p.expressed.preset;
    else if (key == "gpu")
      g = p.expressed.gpu_id;
    else if (key == "metric")
      g = p.row.metric;
    else if (key == "framework")
      g = p.row.framework;
    abs_err[g].push_back(std::fabs(p.error_pct));
    signed_err[g].push_back(p.error_pct);
  }
  std::vector<ErrorSummary> out;
  for (const auto& [g, v] : abs_err) {
    ErrorSummary s{.group = g, .n = static_cast<int>(v.size()), .median_abs_pct = Median(v)};
    for (double x : v) s.mean_abs_pct += x / v.size();
    for (double x : signed_err[g]) s.mean_signed_pct += x / v.size();
    out.push_back(s);
  }
  return out;
}

// The fit may move each efficiency only within what hardware plausibly reaches: a fit that explains the
// data with 40% of peak HBM bandwidth would be hiding a missing cost, not measuring the GPU. Sources:
// STREAM-like copies reach 85-92% of HBM peak on H100/H200; cuBLAS large GEMMs 60-85% of dense peak.
struct FitBounds {
  double hbm_min = 0.60, hbm_max = 0.92;
  double matmul_min = 0.30, matmul_max = 0.85;
  double expert_scale_min = 0.30;
};
constexpr FitBounds kFitBounds;

PerfCalibration FitCalibration(const std::vector<MeasurementRow>& rows, const PerfCalibration& start) {
  // Only this family's rows take part.
  std::vector<MeasurementRow> mine;
  for (const auto& r : rows) {
    const ExpressedRow e = ExpressRow(r);
    if (!e.expressible || e.kind != "max_load") continue;
    auto g = GpuCatalog::BuiltIn().Find(e.gpu_id);
    if (g.ok() && PerfFamilyOf(*g) == start.family) mine.push_back(r);
  }
  if (mine.empty()) return start;
  auto score = [&](const PerfCalibration& c) {
    const auto pts = ValidateMaxLoad(mine, {c});
    const auto s = SummariseErrors(pts, "all");
    return s.empty() ? 1e9 : s[0].median_abs_pct + 0.25 * s[0].mean_abs_pct;
  };
  // Each of the nine constants scaled in turn within its bounds.
  auto scaled = [](const PerfCalibration& from, int param, double f) {
    PerfCalibration c = from;
    switch (param) {
      case 0:
        c.hbm_efficiency = std::clamp(c.hbm_efficiency * f, kFitBounds.hbm_min, kFitBounds.hbm_max);
        break;
      case 1:
        c.matmul_efficiency = std::clamp(c.matmul_efficiency * f, kFitBounds.matmul_min, kFitBounds.matmul_max);
        break;
      case 2:
        c.matmul_half_tokens *= f;
        break;
      case 3:
        c.step_overhead = c.step_overhead * f;
        break;
      case 4:
        c.layer_overhead = c.layer_overhead * f;
        break;
      case 5:
        c.max_batch = std::max(64, static_cast<int>(c.max_batch * f));
        break;
      case 6:
        c.expert_matmul_scale = std::clamp(c.expert_matmul_scale * f, kFitBounds.expert_scale_min, 1.0);
        break;
      case 8:
        c.sequence_overhead = c.sequence_overhead.v > 0 ? c.sequence_overhead * f : Seconds{2e-6 * f};
        break;
      case 7:
        c.moe_layer_overhead = c.moe_layer_overhead.v > 0 ? c.moe_layer_overhead * f : Seconds{20e-6 * f};
        break;
    }
    return c;
  };
  static constexpr double kFactors[] = {0.6, 0.75, 0.9, 1.1, 1.25, 1.5};
  return validate_internal::CoordinateDescent(start, {.constants = 9, .factors = kFactors, .sweeps = 3}, scaled, score);
}

std::vector<ValidationPoint> CrossValidateByModel(const std::vector<MeasurementRow>& rows,
                                                  const std::vector<PerfCalibration>& start) {
  std::map<std::string, std::vector<MeasurementRow>> by_model;
  std::vector<std::string> order;
  for (const auto& r : rows) {
    const ExpressedRow e = ExpressRow(r);
    if (!e.expressible || e.kind != "max_load") continue;
    if (!by_model.count(e.preset)) order.push_back(e.preset);
    by_model[e.preset].push_back(r);
  }
  std::vector<ValidationPoint> out;
  for (const auto& held_out : order) {
    std::vector<MeasurementRow> train;
    for (const auto& [preset, rs] : by_model)
      if (preset != held_out) train.insert(train.end(), rs.begin(), rs.end());
    std::vector<PerfCalibration> fitted;
    fitted.reserve(start.size());
    // Engine sets are fitted on the serving sweeps, not on these rows: they pass through unchanged.
    for (const auto& c : start)
      fitted.push_back(c.family == "default" || !c.engine.empty() ? c : FitCalibration(train, c));
    auto pts = ValidateMaxLoad(by_model[held_out], fitted);
    out.insert(out.end(), pts.begin(), pts.end());
  }
  return out;
}

}  // namespace capplan
