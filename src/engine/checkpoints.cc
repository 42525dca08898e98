// The pre-quantized checkpoint catalog, read once from the embedded data/engine/checkpoints.json.
#include <nlohmann/json.hpp>

#include "capplan/embedded.h"
#include "capplan/launch.h"

namespace capplan {

const std::vector<Checkpoint>& CheckpointCatalog() {
  static const std::vector<Checkpoint> kCatalog = [] {
    std::vector<Checkpoint> out;
    const auto bytes = FindEmbedded(embedded::engine(), "checkpoints.json");
    if (!bytes) return out;  // the build embeds the file; a test checks the catalog is not empty
    const auto doc = nlohmann::json::parse(*bytes);  // our own data file, checked by engine_test
    for (const auto& c : doc.at("checkpoints"))
      out.push_back({c.at("base").get<std::string>(), c.at("format").get<std::string>(),
                     c.at("repo").get<std::string>(), c.at("source").get<std::string>()});
    return out;
  }();
  return kCatalog;
}

const Checkpoint* FindCheckpoint(std::string_view base, std::string_view format) {
  for (const auto& c : CheckpointCatalog())
    if ((c.base == base || c.repo == base) && c.format == format) return &c;
  return nullptr;
}

std::string PresetRepository(std::string_view preset) {
  for (const auto& p : ListPresets())
    if (p.name == preset) return p.hf_id;
  return "";
}

std::string ConfigRepository(std::string_view config_json_text) {
  const auto doc = nlohmann::json::parse(config_json_text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("_name_or_path") || !doc["_name_or_path"].is_string()) return "";
  std::string id = doc["_name_or_path"].get<std::string>();
  // A repository id is owner/name; a local path (/abs, ./rel, ~/x, or more than one '/') says nothing portable.
  const size_t slash = id.find('/');
  if (slash == std::string::npos || slash == 0 || id.find('/', slash + 1) != std::string::npos || id[0] == '.' ||
      id[0] == '~')
    return "";
  return id;
}

std::string WeightFormatName(const WeightPrecision& w) {
  const DType t = w.linear ? *w.linear : w.routed_experts ? *w.routed_experts : w.base;
  switch (t) {
    case DType::kBF16:
    case DType::kFP16:
    case DType::kFP32:
      return "bf16";
    default:
      return std::string(DTypeName(t));
  }
}

}  // namespace capplan
