// The GPU catalog: JSON (data/hardware/gpus.json or a user file) to GpuSpec, lookup by id or
// alias, and user overrides. This file is the only place that knows the catalog's JSON keys.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string>

#include "capplan/embedded.h"
#include "capplan/hardware.h"

namespace capplan {
namespace {

using nlohmann::json;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Applies one GPU object's keys onto `g` (a new spec or an existing one being overridden).
class GpuReader {
 public:
  GpuReader(const json& obj, std::string_view source, std::string id)
      : obj_(obj), source_(source), id_(std::move(id)) {}

  Status ApplyTo(GpuSpec& g) const {
    for (const auto& [key, value] : obj_.items()) {
      CAPPLAN_RETURN_IF_ERROR(ApplyKey(key, value, g));
    }
    return Ok{};
  }

  Error Bad(std::string_view key, std::string_view rule) const {
    return Error::InvalidArgument(
        std::string(source_) + ": gpu '" + id_ + "': " + std::string(key) + " " + std::string(rule), std::string(key));
  }

 private:
  Result<double> NonNegative(std::string_view key, const json& v) const {
    if (!v.is_number() || v.get<double>() < 0) return Bad(key, "must be a non-negative number");
    return v.get<double>();
  }
  Result<std::string> Text(std::string_view key, const json& v) const {
    if (!v.is_string()) return Bad(key, "must be a string");
    return v.get<std::string>();
  }

  Status ApplyKey(const std::string& key, const json& v, GpuSpec& g) const {
    if (key == "id") return Ok{};
    if (key == "name") {
      CAPPLAN_ASSIGN_OR_RETURN(g.name, Text(key, v));
      return Ok{};
    }
    if (key == "vendor") {
      CAPPLAN_ASSIGN_OR_RETURN(g.vendor, Text(key, v));
      return Ok{};
    }
    if (key == "interconnect") {
      CAPPLAN_ASSIGN_OR_RETURN(g.interconnect, Text(key, v));
      return Ok{};
    }
    if (key == "source") {
      CAPPLAN_ASSIGN_OR_RETURN(g.source, Text(key, v));
      return Ok{};
    }
    if (key == "memory_usable_source") {
      CAPPLAN_ASSIGN_OR_RETURN(g.memory_usable_source, Text(key, v));
      return Ok{};
    }
    if (key == "node_source" || key == "_comment" || key == "engine_defaults_source") return Ok{};
    if (key == "perf_family") {
      CAPPLAN_ASSIGN_OR_RETURN(g.perf_family, Text(key, v));
      return Ok{};
    }
    if (key == "fp4_format") {
      CAPPLAN_ASSIGN_OR_RETURN(std::string f, Text(key, v));
      auto t = ParseDType(f, key);
      if (!t.ok() || (*t != DType::kNVFP4 && *t != DType::kMXFP4)) return Bad(key, "must be \"nvfp4\" or \"mxfp4\"");
      g.fp4_format = *t;
      return Ok{};
    }
    if (key == "engine_defaults") {
      if (!v.is_object()) return Bad(key, "must be an object such as {\"vllm\": {\"max_num_seqs\": 1024}}");
      for (const auto& [engine, d] : v.items()) {
        if (!d.is_object())
          return Bad(fmt::format("{}.{}", key, engine), "must be an object such as {\"max_num_seqs\": 1024}");
        GpuSpec::EngineDefaults out;
        for (const auto& [field, x] : d.items()) {
          if (field != "max_num_seqs")
            return Bad(fmt::format("{}.{}.{}", key, engine, field), "is not a known engine default");
          if (!x.is_number_integer() || x.get<int64_t>() < 1 || x.get<int64_t>() > 1'000'000)
            return Bad(fmt::format("{}.{}.{}", key, engine, field), "must be a positive integer");
          out.max_num_seqs = x.get<int>();
        }
        g.engine_defaults[engine] = out;
      }
      return Ok{};
    }
    if (key == "aliases" || key == "provider_names") {
      if (!v.is_array()) return Bad(key, "must be an array of strings");
      auto& list = key == "aliases" ? g.aliases : g.provider_names;
      list.clear();
      for (const auto& a : v) {
        if (!a.is_string()) return Bad(key, "must be an array of strings");
        list.push_back(a.get<std::string>());
      }
      return Ok{};
    }
    if (key == "dense_peak_tflops") {
      if (!v.is_object()) return Bad(key, "must be an object such as {\"bf16\": 989}");
      for (const auto& [cls, tflops] : v.items()) {
        ComputeClass c;
        if (cls == "bf16")
          c = ComputeClass::kBF16;
        else if (cls == "fp8")
          c = ComputeClass::kFP8;
        else if (cls == "int8")
          c = ComputeClass::kINT8;
        else if (cls == "fp4")
          c = ComputeClass::kFP4;
        else
          return Bad(fmt::format("{}.{}", key, cls), "is not a compute class (expected bf16, fp8, int8 or fp4)");
        CAPPLAN_ASSIGN_OR_RETURN(double t, NonNegative(fmt::format("{}.{}", key, cls), tflops));
        // A peak of 0 would divide every compute time (TPOT "inf s", issue 17); a class without a peak is left out.
        if (!(t > 0))
          return Bad(fmt::format("{}.{}", key, cls),
                     "must be positive (leave the class out if the GPU has no such peak)");
        g.dense_peak[c] = TFlopsPerSec(t);
      }
      return Ok{};
    }
    if (key == "pcie_gen" || key == "gpus_per_node" || key == "scale_up_domain_gpus") {
      if (!v.is_number_integer() || v.get<int64_t>() < (key == "pcie_gen" ? 0 : 1) || v.get<int64_t>() > 1'000'000)
        return Bad(key, key == "pcie_gen" ? "must be a non-negative integer" : "must be a positive integer");
      (key == "pcie_gen" ? g.pcie_gen : key == "gpus_per_node" ? g.gpus_per_node : g.scale_up_domain) = v.get<int>();
      return Ok{};
    }
    CAPPLAN_ASSIGN_OR_RETURN(double x, NonNegative(key, v));
    // Every step reads weights and KV at this rate: 0 printed "TPOT inf s" for an edited GPU (issue 17).
    if (key == "hbm_bandwidth_tb_per_s" && !(x > 0)) return Bad(key, "must be positive");
    if (key == "memory_marketed_gb")
      g.memory_marketed = GB(x);
    else if (key == "memory_usable_bytes")
      g.memory_usable = Bytes{x};
    else if (key == "memory_usable_gib")
      g.memory_usable = GiB(x);
    else if (key == "hbm_bandwidth_tb_per_s")
      g.hbm_bandwidth = TBps(x);
    else if (key == "scale_up_gb_per_s")
      g.scale_up_bandwidth = GBps(x);
    else if (key == "pcie_gb_per_s")
      g.pcie_bandwidth = GBps(x);
    else if (key == "scale_out_gb_per_s")
      g.scale_out_bandwidth = GBps(x);
    else if (key == "tdp_watts")
      g.tdp_watts = x;
    else
      return Bad(key, "is not a known GPU field");
    return Ok{};
  }

  const json& obj_;
  std::string_view source_;
  std::string id_;
};

Result<const json*> GpuArray(const json& doc, std::string_view source) {
  if (doc.is_array()) return &doc;
  if (doc.is_object() && doc.contains("gpus") && doc["gpus"].is_array()) return &doc["gpus"];
  return Error::Parse(std::string(source) + ": expected an array of GPU objects or {\"gpus\": [...]}");
}

Result<json> ParseDoc(std::string_view text, std::string_view source) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Error::Parse(std::string(source) + ": not valid JSON");
  return doc;
}

// A complete spec needs memory and bandwidth; the rest has defaults. Peaks may be missing (the
// csv records none for the RTX 5090): such a GPU can be sized for memory, and PeakFlops() is 0.
Status CheckComplete(const GpuSpec& g, std::string_view source) {
  auto missing = [&](std::string_view key) {
    return Error::InvalidArgument(
        std::string(source) + ": gpu '" + g.id + "': " + std::string(key) + " is required for a new GPU",
        std::string(key));
  };
  if (g.memory_usable.v <= 0 && g.memory_marketed.v <= 0) return missing("memory_usable_bytes");
  if (g.hbm_bandwidth.v <= 0) return missing("hbm_bandwidth_tb_per_s");
  return Ok{};
}

void FillDefaults(GpuSpec& g, std::string_view source) {
  if (g.name.empty()) g.name = g.id;
  if (g.memory_usable.v <= 0) {
    g.memory_usable = g.memory_marketed;
    g.memory_usable_source = std::string(source) + ": marketed capacity (no driver reserve known)";
  }
  if (g.memory_marketed.v <= 0) g.memory_marketed = g.memory_usable;
  if (g.memory_usable_source.empty()) g.memory_usable_source = std::string(source);
  if (g.source.empty()) g.source = std::string(source);
}

}  // namespace

Result<GpuCatalog> GpuCatalog::FromJson(std::string_view json_text, std::string_view source_name) {
  GpuCatalog catalog;
  CAPPLAN_RETURN_IF_ERROR(catalog.Merge(json_text, source_name));
  return catalog;
}

Status GpuCatalog::Merge(std::string_view json_text, std::string_view source_name) {
  CAPPLAN_ASSIGN_OR_RETURN(json doc, ParseDoc(json_text, source_name));
  CAPPLAN_ASSIGN_OR_RETURN(const json* arr, GpuArray(doc, source_name));
  std::vector<GpuSpec> merged = gpus_;  // all or nothing: a bad entry leaves the catalog unchanged
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& obj = (*arr)[i];
    if (!obj.is_object() || !obj.contains("id") || !obj["id"].is_string() || obj["id"].get<std::string>().empty()) {
      return Error::InvalidArgument(std::string(source_name) + ": entry " + std::to_string(i) +
                                        ": id is required (a short name such as \"h100-sxm\")",
                                    "id");
    }
    std::string id = Lower(obj["id"].get<std::string>());
    GpuReader reader(obj, source_name, id);
    // An entry overrides the GPU it names by id or alias ("h100" edits h100-sxm).
    auto named = [&](const GpuSpec& g) {
      return g.id == id ||
             std::any_of(g.aliases.begin(), g.aliases.end(), [&](const std::string& a) { return Lower(a) == id; });
    };
    auto it = std::find_if(merged.begin(), merged.end(), named);
    if (it != merged.end()) {
      CAPPLAN_RETURN_IF_ERROR(reader.ApplyTo(*it));
      continue;
    }
    GpuSpec g;
    g.id = id;
    CAPPLAN_RETURN_IF_ERROR(reader.ApplyTo(g));
    CAPPLAN_RETURN_IF_ERROR(CheckComplete(g, source_name));
    FillDefaults(g, source_name);
    merged.push_back(std::move(g));
  }
  gpus_ = std::move(merged);
  if (doc.is_object() && doc.contains("default_gpu") && doc["default_gpu"].is_string())
    default_id_ = Lower(doc["default_gpu"].get<std::string>());
  return Ok{};
}

Result<GpuSpec> GpuCatalog::Find(std::string_view id_or_alias) const {
  const std::string key = Lower(id_or_alias);
  for (const auto& g : gpus_) {
    if (g.id == key) return g;
  }
  for (const auto& g : gpus_) {
    for (const auto& a : g.aliases)
      if (Lower(a) == key) return g;
  }
  std::string known;
  for (const auto& g : gpus_) known += (known.empty() ? "" : ", ") + g.id;
  return Error::NotFound("--gpu: unknown GPU '" + std::string(id_or_alias) + "' (known: " + known + ")", "gpu");
}

const GpuCatalog& GpuCatalog::BuiltIn() {
  static const GpuCatalog* const kCatalog = [] {
    auto* c = new GpuCatalog();
    for (const auto& f : embedded::hardware()) {
      if (!f.name.ends_with(".json")) continue;
      // The embedded catalog is tested (catalog_test.cc); a failure here is a build defect.
      Status st = c->Merge(f.bytes, f.name);
      assert(st.ok());
      (void)st;
    }
    return c;
  }();
  return *kCatalog;
}

}  // namespace capplan
