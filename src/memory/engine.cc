// Engine profiles: what vLLM, SGLang and TensorRT-LLM reserve by default, read once from the embedded
// data/engine/profiles.json (each value with its source there; docs/memory.md explains them).
#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "capplan/deployment.h"
#include "capplan/embedded.h"

namespace capplan {
namespace {

// Our own data file: a missing key is a build defect that engine_test (ProfilesComeFromTheDataFile) catches.
EngineProfile ProfileFromJson(Engine e, const nlohmann::json& p) {
  return EngineProfile{.engine = e,
                       .label = p.at("label").get<std::string>(),
                       .memory_fraction_flag = p.at("memory_fraction_flag").get<std::string>(),
                       .memory_fraction = p.at("memory_fraction").get<double>(),
                       .cuda_graph_bytes = GiB(p.at("cuda_graph_gib").get<double>()),
                       .runtime_overhead_bytes = GiB(p.at("runtime_overhead_gib").get<double>()),
                       .max_num_batched_tokens = p.at("max_num_batched_tokens").get<int>(),
                       .kv_block_tokens = p.at("kv_block_tokens").get<int>(),
                       .per_layer_type_kv = p.at("per_layer_type_kv").get<bool>(),
                       .default_max_num_seqs = p.at("default_max_num_seqs").get<int>(),
                       .fraction_of_free = p.at("fraction_of_free").get<bool>(),
                       .reserves_outside_fraction = p.at("reserves_outside_fraction").get<bool>(),
                       .pads_recurrent_state_pages = p.at("pads_recurrent_state_pages").get<bool>()};
}

// One engine's row: its profile and the words that name it (its name first, then its aliases, lower case).
struct EngineRow {
  EngineProfile profile;
  std::vector<std::string> names;
};

// The rows are in the order of the Engine values (the file says so; engine_test checks each name).
const std::array<EngineRow, kEngineCount>& Rows() {
  static const std::array<EngineRow, kEngineCount> kRows = [] {
    std::array<EngineRow, kEngineCount> out{};
    const auto bytes = FindEmbedded(embedded::engine(), "profiles.json");
    if (!bytes) return out;  // the build embeds the file; engine_test checks the profiles are read
    const auto doc = nlohmann::json::parse(*bytes);
    const auto& rows = doc.at("profiles");
    for (size_t i = 0; i < out.size() && i < rows.size(); ++i) {
      const auto e = static_cast<Engine>(i);
      out[i].profile = ProfileFromJson(e, rows[i]);
      out[i].names.push_back(rows[i].at("engine").get<std::string>());
      for (const auto& a : rows[i].at("aliases")) out[i].names.push_back(a.get<std::string>());
    }
    return out;
  }();
  return kRows;
}

constexpr std::array<Engine, kEngineCount> kAllEngines = [] {
  std::array<Engine, kEngineCount> out{};
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<Engine>(i);
  return out;
}();

}  // namespace

std::span<const Engine> AllEngines() { return kAllEngines; }

std::string_view EngineName(Engine e) {
  const auto& names = Rows()[static_cast<size_t>(e)].names;
  return names.empty() ? std::string_view{} : std::string_view{names.front()};
}

Result<Engine> ParseEngine(std::string_view text, std::string_view field) {
  std::string s(text);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string expected;
  for (const Engine e : AllEngines()) {
    const auto& names = Rows()[static_cast<size_t>(e)].names;
    if (std::find(names.begin(), names.end(), s) != names.end()) return e;
    if (!expected.empty()) expected += static_cast<size_t>(e) + 1 == kAllEngines.size() ? " or " : ", ";
    expected += EngineName(e);
  }
  return Error::InvalidArgument(
      std::string(field) + ": unknown engine '" + std::string(text) + "' (expected " + expected + ")",
      std::string(field));
}

EngineProfile DefaultEngineProfile(Engine e) { return Rows()[static_cast<size_t>(e)].profile; }

int EffectiveMaxNumSeqs(const EngineProfile& e, const GpuSpec& g, int max_num_seqs) {
  if (max_num_seqs > 0) return max_num_seqs;
  const auto it = g.engine_defaults.find(std::string(EngineName(e.engine)));
  if (it != g.engine_defaults.end() && it->second.max_num_seqs > 0) return it->second.max_num_seqs;
  return e.default_max_num_seqs;
}

}  // namespace capplan
