// Presets: the configs in data/models, embedded in the binary; LoadModel picks a preset by name or
// reads a file.
#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "capplan/embedded.h"
#include "capplan/model.h"

namespace capplan {

const std::vector<PresetInfo>& ListPresets() {
  // Official figures from each publisher's model card (see docs/models.md for the comparison).
  static const std::vector<PresetInfo> kPresets = {
      {"llama-4-scout", "meta-llama/Llama-4-Scout-17B-16E-Instruct", "109B total / 17B active"},
      {"llama-4-maverick", "meta-llama/Llama-4-Maverick-17B-128E-Instruct", "400B total / 17B active"},
      {"mixtral-8x7b", "mistralai/Mixtral-8x7B-v0.1", "46.7B total / 12.9B active"},
      {"deepseek-v3", "deepseek-ai/DeepSeek-V3", "671B total / 37B active (without embedding)"},
      {"deepseek-r1", "deepseek-ai/DeepSeek-R1", "671B total / 37B active (without embedding)"},
      {"qwen3-30b-a3b", "Qwen/Qwen3-30B-A3B", "30.5B total / 3.3B active"},
      {"gpt-oss-120b", "openai/gpt-oss-120b", "117B total / 5.1B active (without embedding)"},
      {"gpt-oss-20b", "openai/gpt-oss-20b", "21B total / 3.6B active (without embedding)"},
      {"llama-3.1-8b", "meta-llama/Llama-3.1-8B", "8B"},
      {"llama-3.1-70b", "meta-llama/Llama-3.1-70B", "70B"},
      {"llama-3.1-405b", "meta-llama/Llama-3.1-405B", "405B"},
      {"qwen3-8b", "Qwen/Qwen3-8B", "8.2B"},
      {"qwen2.5-7b", "Qwen/Qwen2.5-7B", "7.6B"},
      {"dbrx", "databricks/dbrx-instruct", "132B total / 36B active"},
      {"glm-4.7", "zai-org/GLM-4.7", "355B total / 32B active"},
  };
  return kPresets;
}

Result<ModelSpec> LoadPreset(std::string_view name) {
  const std::string file = std::string(name) + ".json";
  const auto bytes = FindEmbedded(embedded::models(), file);
  if (!bytes) {
    std::string list;
    for (const auto& p : ListPresets()) list += (list.empty() ? "" : ", ") + p.name;
    return Error::NotFound(fmt::format("unknown model preset '{}' (presets: {})", name, list), "model");
  }
  auto spec = ParseHfConfig(*bytes, "data/models/" + file);
  if (!spec.ok()) return spec;
  spec->name = std::string(name);
  spec->source = "preset:" + std::string(name);
  return spec;
}

Result<ModelSpec> LoadModel(std::string_view name_or_path) {
  const std::string arg(name_or_path);
  if (FindEmbedded(embedded::models(), arg + ".json")) return LoadPreset(arg);
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
  std::ifstream in(arg, std::ios::binary);
  if (!in) {
    const bool looks_like_path = arg.find('/') != std::string::npos || arg.ends_with(".json");
    if (looks_like_path) return Error::NotFound(fmt::format("{}: cannot open file", arg), "model");
    return LoadPreset(arg);  // the unknown-preset message lists the presets
  }
  std::stringstream buf;
  buf << in.rdbuf();
  return ParseHfConfig(buf.str(), arg);
}

}  // namespace capplan
