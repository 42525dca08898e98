// ParseHfConfig: JSON syntax, the model_type dispatch and the nested text_config. The family
// adapters (family_*.cc) do the rest.
#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>

#include "capplan/model.h"
#include "model/families.h"
#include "model/quantization.h"

namespace capplan {

namespace {

using model_internal::ConfigReader;

constexpr std::array<std::string_view, 22> kSupportedFamilies = {
    "dbrx",        "deepseek_v3", "deepseek_v32",     "deepseek_v4", "gemma4",     "gemma4_text",
    "glm4_moe",    "glm_moe_dsa", "gpt_oss",          "kimi_k2",     "llama",      "llama4",
    "llama4_text", "minimax_m2",  "mistral",          "mixtral",     "nemotron_h", "qwen2",
    "qwen3",       "qwen3_5_moe", "qwen3_5_moe_text", "qwen3_moe"};

bool IsSupported(std::string_view t) {
  return std::find(kSupportedFamilies.begin(), kSupportedFamilies.end(), t) != kSupportedFamilies.end();
}

// nlohmann's what() reads "[json.exception.parse_error.101] parse error at line 1, column 5: syntax
// error while parsing ..."; keep the part after the location, since the byte offset is given.
std::string ParseErrorDetail(const nlohmann::json::parse_error& e) {
  std::string what = e.what();
  const auto at = what.find("parse error");
  const auto colon = what.find(": ", at == std::string::npos ? 0 : at);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

Result<ModelSpec> Dispatch(ConfigReader& top, ConfigReader& text, const std::string& type) {
  using namespace model_internal;  // NOLINT: the adapters
  if (type == "llama" || type == "mistral" || type == "qwen2" || type == "qwen3") return ParseDenseFamily(text, type);
  if (type == "mixtral" || type == "qwen3_moe") return ParseMixtralFamily(text, type);
  if (type == "gpt_oss") return ParseGptOss(text);
  if (type == "dbrx") return ParseDbrx(text);
  if (type == "deepseek_v3" || type == "kimi_k2" || type == "deepseek_v32" || type == "glm_moe_dsa")
    return ParseDeepSeekFamily(text, type);
  if (type == "glm4_moe") return ParseGlm4Moe(text);
  if (type == "qwen3_5_moe" || type == "qwen3_5_moe_text") return ParseQwen35Moe(top, text);
  if (type == "minimax_m2") return ParseMiniMaxM2(text);
  if (type == "nemotron_h") return ParseNemotronH(text);
  if (type == "gemma4" || type == "gemma4_text") return ParseGemma4(top, text);
  if (type == "deepseek_v4") return ParseDeepSeekV4(text);
  return ParseLlama4(top, text);  // llama4, llama4_text
}

}  // namespace

Result<ModelSpec> ParseHfConfig(std::string_view json_text, std::string_view source_name) {
  return ParseHfConfig(json_text, source_name, std::nullopt);
}

Result<ModelSpec> ParseHfConfig(std::string_view json_text, std::string_view source_name,
                                const std::optional<QuantConfigText>& hf_quant) {
  const std::string source(source_name);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::parse_error& e) {
    return Error::Parse(fmt::format("{}: malformed JSON at byte {}: {}", source, e.byte, ParseErrorDetail(e)));
  } catch (const nlohmann::json::out_of_range& e) {
    // A number beyond double's range ("1e405") throws out_of_range, not parse_error (found by fuzz/hf_config).
    const std::string_view what = e.what();
    const size_t tag_end = what.find("] ");
    return Error::Parse(fmt::format("{}: malformed JSON: {}", source,
                                    tag_end == std::string_view::npos ? what : what.substr(tag_end + 2)));
  }
  if (!j.is_object()) return Error::Parse(fmt::format("{}: expected a JSON object at the top level", source));

  ConfigReader top(j, source);
  std::string type = top.RequiredString("model_type");
  if (!top.ok()) return top.error();
  // Multimodal wrappers keep the language model in text_config (llama4 -> llama4_text, ...).
  const bool nested = top.IsObject("text_config");
  if (!IsSupported(type) && nested) {
    ConfigReader text = top.Nested("text_config");
    const std::string inner = text.StringOr("model_type", "");
    if (IsSupported(inner)) type = inner;
  }
  if (!IsSupported(type)) {
    std::string list;
    for (auto f : kSupportedFamilies) list += (list.empty() ? "" : ", ") + std::string(f);
    return Error::Unsupported(fmt::format("{}: model_type '{}' is not supported (supported: {})", source, type, list),
                              "model_type");
  }
  ConfigReader text = nested ? top.Nested("text_config") : ConfigReader(j, source);
  auto spec = Dispatch(top, text, type);
  if (!spec.ok()) return spec;
  if (!top.ok()) return top.error();
  nlohmann::json quant;
  if (hf_quant) {
    quant = nlohmann::json::parse(hf_quant->text, nullptr, /*allow_exceptions=*/false);
    if (quant.is_discarded() || !quant.is_object())
      return Error::Parse(fmt::format("{}: malformed JSON (expected an object)", hf_quant->source));
  }
  auto q = model_internal::ApplyQuantization(j, hf_quant ? &quant : nullptr, source,
                                             hf_quant ? hf_quant->source : std::string(), *spec);
  if (!q.ok()) return q.error();
  // A multimodal wrapper whose family does not count its vision tower says so.
  if (spec->params.vision == 0 && top.IsObject("vision_config"))
    spec->limitations.push_back("vision_config present but the vision tower of this family is not counted");
  spec->source = source;
  spec->name = source;
  return spec;
}

}  // namespace capplan
