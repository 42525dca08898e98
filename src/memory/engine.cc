// Engine profiles: what vLLM, SGLang and TensorRT-LLM reserve by default, read once from the embedded
// data/engine/profiles.json (each value with its source there; docs/memory.md explains them).
#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string>

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
                       .reserves_outside_fraction = p.at("reserves_outside_fraction").get<bool>()};
}

const std::array<EngineProfile, 3>& Profiles() {
  static const std::array<EngineProfile, 3> kProfiles = [] {
    std::array<EngineProfile, 3> out{};
    const auto bytes = FindEmbedded(embedded::engine(), "profiles.json");
    if (!bytes) return out;  // the build embeds the file; engine_test checks the profiles are read
    const auto doc = nlohmann::json::parse(*bytes);
    for (const auto& p : doc.at("profiles")) {
      const auto e = ParseEngine(p.at("engine").get<std::string>(), "profiles.json: engine");
      if (e.ok()) out[static_cast<size_t>(*e)] = ProfileFromJson(*e, p);
    }
    return out;
  }();
  return kProfiles;
}

}  // namespace

std::string_view EngineName(Engine e) {
  switch (e) {
    case Engine::kVllm:
      return "vllm";
    case Engine::kSglang:
      return "sglang";
    case Engine::kTrtllm:
      return "trtllm";
  }
  return "vllm";
}

Result<Engine> ParseEngine(std::string_view text, std::string_view field) {
  std::string s(text);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (s == "vllm") return Engine::kVllm;
  if (s == "sglang") return Engine::kSglang;
  if (s == "trtllm" || s == "tensorrt-llm" || s == "trt-llm") return Engine::kTrtllm;
  return Error::InvalidArgument(
      std::string(field) + ": unknown engine '" + std::string(text) + "' (expected vllm, sglang or trtllm)",
      std::string(field));
}

EngineProfile DefaultEngineProfile(Engine e) { return Profiles()[static_cast<size_t>(e)]; }

int EffectiveMaxNumSeqs(const EngineProfile& e, const GpuSpec& g, int max_num_seqs) {
  if (max_num_seqs > 0) return max_num_seqs;
  const auto it = g.engine_defaults.find(std::string(EngineName(e.engine)));
  if (it != g.engine_defaults.end() && it->second.max_num_seqs > 0) return it->second.max_num_seqs;
  return e.default_max_num_seqs;
}

}  // namespace capplan
