// Presets: the configs in data/models, embedded in the binary; LoadModel picks a preset by name or
// alias, or reads a file (with a ModelOpt hf_quant_config.json beside it when there is one).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "capplan/embedded.h"
#include "capplan/model.h"

namespace capplan {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// ModelOpt publishes hf_quant_config.json next to config.json; the shared copies are named
// NAME.hf_quant_config.json next to NAME.json.
std::optional<QuantConfigText> QuantSidecar(const std::string& config_path) {
  namespace fs = std::filesystem;
  const fs::path p(config_path);
  const fs::path candidates[] = {p.parent_path() / (p.stem().string() + ".hf_quant_config.json"),
                                 p.parent_path() / "hf_quant_config.json"};
  for (const auto& c : candidates) {
    if (auto text = ReadFile(c.string())) return QuantConfigText{.text = *text, .source = c.string()};
  }
  return std::nullopt;
}

}  // namespace

const std::vector<PresetInfo>& ListPresets() {
  // Official figures from each publisher's model card (see docs/models.md for the comparison).
  static const std::vector<PresetInfo> kPresets = {
      {"llama-4-scout", "meta-llama/Llama-4-Scout-17B-16E-Instruct", "109B total / 17B active", {"scout"}},
      {"llama-4-maverick", "meta-llama/Llama-4-Maverick-17B-128E-Instruct", "400B total / 17B active", {"maverick"}},
      {"mixtral-8x7b", "mistralai/Mixtral-8x7B-v0.1", "46.7B total / 12.9B active", {"mixtral"}},
      {"deepseek-v3", "deepseek-ai/DeepSeek-V3", "671B total / 37B active (without embedding)", {"dsv3", "v3"}},
      {"deepseek-r1", "deepseek-ai/DeepSeek-R1", "671B total / 37B active (without embedding)", {"r1", "dsr1"}},
      {"qwen3-30b-a3b", "Qwen/Qwen3-30B-A3B", "30.5B total / 3.3B active", {"qwen3-moe"}},
      {"gpt-oss-120b", "openai/gpt-oss-120b", "117B total / 5.1B active (without embedding)", {"gpt-oss"}},
      {"gpt-oss-20b", "openai/gpt-oss-20b", "21B total / 3.6B active (without embedding)", {}},
      {"llama-3.1-8b", "meta-llama/Llama-3.1-8B", "8B", {"llama-8b"}},
      {"llama-3.1-70b", "meta-llama/Llama-3.1-70B", "70B", {"llama-70b"}},
      {"llama-3.1-405b", "meta-llama/Llama-3.1-405B", "405B", {"llama-405b"}},
      {"qwen3-8b", "Qwen/Qwen3-8B", "8.2B", {}},
      {"qwen3-32b", "Qwen/Qwen3-32B", "32.8B", {}},
      {"qwen2.5-7b", "Qwen/Qwen2.5-7B", "7.6B", {}},
      {"dbrx", "databricks/dbrx-instruct", "132B total / 36B active", {}},
      {"glm-4.7", "zai-org/GLM-4.7", "355B total / 32B active", {"glm4.7"}},
      {"qwen3.5-122b-a10b", "Qwen/Qwen3.5-122B-A10B", "122B total / 10B active", {"qwen3.5", "qwen3.5-122b"}},
      {"qwen3.5-35b-a3b", "Qwen/Qwen3.5-35B-A3B", "35B total / 3B active", {"qwen3.5-35b"}},
      {"minimax-m2.5", "MiniMaxAI/MiniMax-M2.5", "230B total / 10B active", {"minimax", "minimax-m2"}},
      {"deepseek-v3.2", "deepseek-ai/DeepSeek-V3.2", "671B total / 37B active (without embedding)", {"dsv3.2", "v3.2"}},
      {"deepseek-v4-flash", "deepseek-ai/DeepSeek-V4-Flash", "284B total / 13B active", {"dsv4", "v4-flash"}},
      {"glm-5.1-nvfp4", "nvidia/GLM-5.1-NVFP4", "744B total / 40B active", {"glm-5.1", "glm5.1", "glm-5"}},
      {"gemma-4-26b-a4b", "google/gemma-4-26B-A4B", "26B total / 4B active", {"gemma4", "gemma-4"}},
      {"nemotron-3-nano-30b-a3b",
       "nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16",
       "31.6B total / 3.2B active",
       {"nemotron-3-nano", "nemotron"}},
  };
  return kPresets;
}

std::optional<std::string> ResolvePresetName(std::string_view name_or_alias) {
  const std::string key = Lower(name_or_alias);
  for (const auto& p : ListPresets()) {
    if (p.name == key) return p.name;
    if (std::find(p.aliases.begin(), p.aliases.end(), key) != p.aliases.end()) return p.name;
  }
  return std::nullopt;
}

Result<ModelSpec> LoadPreset(std::string_view name_or_alias) {
  const std::string name = ResolvePresetName(name_or_alias).value_or(std::string(name_or_alias));
  const std::string file = name + ".json";
  const auto bytes = FindEmbedded(embedded::models(), file);
  if (!bytes) {
    std::string list;
    for (const auto& p : ListPresets()) list += (list.empty() ? "" : ", ") + p.name;
    return Error::NotFound(
        fmt::format("unknown model preset '{}' (presets: {}; `capplan models` lists the aliases)", name_or_alias, list),
        "model");
  }
  std::optional<QuantConfigText> quant;
  const std::string quant_file = name + ".hf_quant_config.json";
  if (const auto q = FindEmbedded(embedded::models(), quant_file))
    quant = QuantConfigText{.text = std::string(*q), .source = "data/models/" + quant_file};
  auto spec = ParseHfConfig(*bytes, "data/models/" + file, quant);
  if (!spec.ok()) return spec;
  spec->name = name;
  spec->source = "preset:" + name;
  return spec;
}

Result<ModelSpec> LoadModel(std::string_view name_or_path) {
  const std::string arg(name_or_path);
  if (ResolvePresetName(arg)) return LoadPreset(arg);
  // A directory read as "malformed JSON", and /dev/zero read 2 GB first (issue 17): name them, read no more than a
  // config can be (the largest in data/models is under 10 KB).
  constexpr std::uintmax_t kMaxConfigBytes = std::uintmax_t{16} << 20;
  std::error_code ec;
  const std::filesystem::file_status st = std::filesystem::status(arg, ec);
  if (!ec && std::filesystem::is_directory(st))
    return Error::InvalidArgument(fmt::format("{}: is a directory, not a config.json", arg), "model");
  if (!ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st))
    return Error::InvalidArgument(fmt::format("{}: is a device or special file, not a config.json", arg), "model");
  if (std::uintmax_t size = std::filesystem::file_size(arg, ec); !ec && size > kMaxConfigBytes)
    return Error::ResourceLimit(
        fmt::format("{}: {} bytes, larger than the limit of {} bytes for a config.json", arg, size, kMaxConfigBytes),
        "model");
  const auto text = ReadFile(arg);
  if (!text) {
    const bool looks_like_path = arg.find('/') != std::string::npos || arg.ends_with(".json");
    if (looks_like_path) return Error::NotFound(fmt::format("{}: cannot open file", arg), "model");
    return LoadPreset(arg);  // the unknown-preset message lists the presets
  }
  return ParseHfConfig(*text, arg, QuantSidecar(arg));
}

}  // namespace capplan
