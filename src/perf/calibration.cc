// Loading the calibration file (data/calibration/perf.json, embedded) and choosing the entry for a GPU.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "capplan/embedded.h"
#include "capplan/perf.h"

namespace capplan {
namespace {

using nlohmann::json;

constexpr int kMaxCalibrationBatch = 1'000'000;

std::string Where(std::string_view src, size_t index, const std::string& key) {
  return std::string(src) + ": calibrations[" + std::to_string(index) + "]." + key;
}

Status ReadNumber(const json& obj, const std::string& key, double& out, std::string_view src, size_t index,
                  double max = 1e300) {
  if (!obj.contains(key)) return Ok{};  // unset keys inherit the "default" entry
  const json& v = obj.at(key);
  if (!v.is_number() || v.get<double>() < 0)
    return Error::InvalidArgument(Where(src, index, key) + " must be a non-negative number", key);
  if (v.get<double>() > max)
    return Error::InvalidArgument(Where(src, index, key) + " is a fraction of peak and must be at most 1", key);
  out = v.get<double>();
  return Ok{};
}

}  // namespace

Result<std::vector<PerfCalibration>> ParseCalibration(std::string_view json_text, std::string_view source_name) {
  const std::string src(source_name);
  json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Error::Parse(src + ": malformed JSON");
  if (!doc.is_object() || !doc.contains("calibrations") || !doc["calibrations"].is_array())
    return Error::InvalidArgument(src + ": expected an object with a 'calibrations' array", "calibrations");
  std::vector<PerfCalibration> out;
  PerfCalibration base;  // entries after "default" inherit from it
  for (size_t i = 0; i < doc["calibrations"].size(); ++i) {
    const json& e = doc["calibrations"][i];
    if (!e.is_object() || !e.contains("family") || !e["family"].is_string())
      return Error::InvalidArgument(Where(src, i, "family") + " must be a string", "family");
    // Unset keys inherit: an engine's entry from its family's engine-independent entry, others from "default".
    PerfCalibration c = base;
    c.family = e["family"].get<std::string>();
    if (e.contains("engine")) {
      if (!e["engine"].is_string() || !ParseEngine(e["engine"].get<std::string>(), "engine").ok())
        return Error::InvalidArgument(Where(src, i, "engine") + " must be \"vllm\", \"sglang\" or \"trtllm\"",
                                      "engine");
      for (const PerfCalibration& prior : out)
        if (prior.family == c.family && prior.engine.empty()) c = prior;
      c.engine = std::string(EngineName(*ParseEngine(e["engine"].get<std::string>(), "engine")));
    }
    if (e.contains("fitted_on")) {
      if (!e["fitted_on"].is_string())
        return Error::InvalidArgument(Where(src, i, "fitted_on") + " must be a string", "fitted_on");
      c.fitted_on = e["fitted_on"].get<std::string>();
    }
    if (e.contains("overlap_scheduler")) {
      if (!e["overlap_scheduler"].is_boolean())
        return Error::InvalidArgument(Where(src, i, "overlap_scheduler") + " must be true or false",
                                      "overlap_scheduler");
      c.overlap_scheduler = e["overlap_scheduler"].get<bool>();
    }
    CAPPLAN_RETURN_IF_ERROR(ReadNumber(e, "expert_half_tokens", c.expert_half_tokens, src, i));
    CAPPLAN_RETURN_IF_ERROR(ReadNumber(e, "first_wave_weight", c.first_wave_weight, src, i, 1.0));
    double max_batch = c.max_batch, lat = c.collective_latency.v, lay = c.layer_overhead.v, step = c.step_overhead.v;
    CAPPLAN_RETURN_IF_ERROR(ReadNumber(e, "hbm_efficiency", c.hbm_efficiency, src, i, 1.0));
    CAPPLAN_RETURN_IF_ERROR(ReadNumber(e, "matmul_efficiency", c.matmul_efficiency, src, i, 1.0));
    CAPPLAN_RETURN_IF_ERROR(ReadNumber(e, "matmul_half_tokens", c.matmul_half_tokens, src, i));
    CAPPLAN_RETURN_IF_ERROR(ReadNumber(e, "attention_efficiency", c.attention_efficiency, src, i, 1.0));
    CAPPLAN_RETURN_IF_ERROR(ReadNumber(e, "comm_efficiency", c.comm_efficiency, src, i, 1.0));
    CAPPLAN_RETURN_IF_ERROR(ReadNumber(e, "collective_latency_seconds", lat, src, i));
    CAPPLAN_RETURN_IF_ERROR(ReadNumber(e, "layer_overhead_seconds", lay, src, i));
    CAPPLAN_RETURN_IF_ERROR(ReadNumber(e, "step_overhead_seconds", step, src, i));
    CAPPLAN_RETURN_IF_ERROR(ReadNumber(e, "routing_skew", c.routing_skew, src, i));
    CAPPLAN_RETURN_IF_ERROR(ReadNumber(e, "max_batch", max_batch, src, i));
    // Bounded before the conversion to int (1e300 was undefined behaviour); no engine runs batches near this.
    if (max_batch > kMaxCalibrationBatch)
      return Error::InvalidArgument(
          Where(src, i, "max_batch") + " must be at most " + std::to_string(kMaxCalibrationBatch), "max_batch");
    double moe = c.moe_layer_overhead.v, per_seq = c.sequence_overhead.v, per_request = c.request_overhead.v;
    CAPPLAN_RETURN_IF_ERROR(ReadNumber(e, "request_overhead_seconds", per_request, src, i));
    c.request_overhead = Seconds{per_request};
    CAPPLAN_RETURN_IF_ERROR(ReadNumber(e, "sequence_overhead_seconds", per_seq, src, i));
    c.sequence_overhead = Seconds{per_seq};
    CAPPLAN_RETURN_IF_ERROR(ReadNumber(e, "expert_matmul_scale", c.expert_matmul_scale, src, i, 1.0));
    CAPPLAN_RETURN_IF_ERROR(ReadNumber(e, "moe_layer_overhead_seconds", moe, src, i));
    c.moe_layer_overhead = Seconds{moe};
    double gemm = c.gemm_launch_overhead.v;
    CAPPLAN_RETURN_IF_ERROR(ReadNumber(e, "gemm_launch_overhead_seconds", gemm, src, i));
    c.gemm_launch_overhead = Seconds{gemm};
    c.collective_latency = Seconds{lat};
    c.layer_overhead = Seconds{lay};
    c.step_overhead = Seconds{step};
    c.max_batch = std::max(1, static_cast<int>(max_batch));
    if (c.family == "default" && c.engine.empty()) base = c;
    out.push_back(c);
  }
  return out;
}

std::string PerfFamilyOf(const GpuSpec& g) { return g.perf_family.empty() ? "default" : g.perf_family; }

PerfCalibration SelectCalibration(const std::vector<PerfCalibration>& all, const GpuSpec& g) {
  return SelectCalibration(all, g, "");
}

PerfCalibration SelectCalibration(const std::vector<PerfCalibration>& all, const GpuSpec& g, std::string_view engine) {
  const std::string fam = PerfFamilyOf(g);
  if (!engine.empty()) {
    for (const auto& c : all)
      if (c.family == fam && c.engine == engine) return c;
  }
  for (const auto& c : all)
    if (c.family == fam && c.engine.empty()) return c;
  for (const auto& c : all)
    if (c.family == "default" && c.engine.empty()) return c;
  return PerfCalibration{};
}

const std::vector<PerfCalibration>& BuiltInCalibrations() {
  static const std::vector<PerfCalibration> kBuiltIn = [] {
    auto text = FindEmbedded(embedded::perf(), "calibration/perf.json");
    if (!text) return std::vector<PerfCalibration>{PerfCalibration{}};
    auto parsed = ParseCalibration(*text, "data/calibration/perf.json");
    assert(parsed.ok() && "the built-in calibration file is valid (tested)");
    return parsed.ok() ? *parsed : std::vector<PerfCalibration>{PerfCalibration{}};
  }();
  return kBuiltIn;
}

PerfCalibration CalibrationFor(const GpuSpec& g) { return SelectCalibration(BuiltInCalibrations(), g); }

PerfCalibration CalibrationFor(const Deployment& d) { return CalibrationFor(d.gpu, d.engine.engine); }

PerfCalibration CalibrationFor(const GpuSpec& g, Engine engine) {
  return SelectCalibration(BuiltInCalibrations(), g, EngineName(engine));
}

}  // namespace capplan
