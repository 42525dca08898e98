// ParseHfConfig: JSON syntax, the model_type dispatch and the nested text_config. The family
// adapters (family_*.cc) do the rest.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "capplan/model.h"
#include "model/families.h"
#include "model/quantization.h"

namespace capplan {

namespace {

using model_internal::ConfigReader;

using Adapter = Result<ModelSpec> (*)(ConfigReader& top, ConfigReader& text, const std::string& type);

// The adapters' three shapes as one: `top` is the whole file, `text` the language model's config (text_config when
// nested, else the same object), `type` the model_type.
template <Result<ModelSpec> (*Parse)(ConfigReader&, const std::string&)>
Result<ModelSpec> TextAndType(ConfigReader& /*top*/, ConfigReader& text, const std::string& type) {
  return Parse(text, type);
}
template <Result<ModelSpec> (*Parse)(ConfigReader&)>
Result<ModelSpec> TextOnly(ConfigReader& /*top*/, ConfigReader& text, const std::string& /*type*/) {
  return Parse(text);
}
template <Result<ModelSpec> (*Parse)(ConfigReader&, ConfigReader&)>
Result<ModelSpec> TopAndText(ConfigReader& top, ConfigReader& text, const std::string& /*type*/) {
  return Parse(top, text);
}

struct Family {
  std::string_view model_type;
  Adapter parse;
};

// The family registry: every supported model_type with its adapter, in the order the error lists them.
constexpr std::array<Family, 22> kFamilies = {{
    {"dbrx", TextOnly<model_internal::ParseDbrx>},
    {"deepseek_v3", TextAndType<model_internal::ParseDeepSeekFamily>},
    {"deepseek_v32", TextAndType<model_internal::ParseDeepSeekFamily>},
    {"deepseek_v4", TextOnly<model_internal::ParseDeepSeekV4>},
    {"gemma4", TopAndText<model_internal::ParseGemma4>},
    {"gemma4_text", TopAndText<model_internal::ParseGemma4>},
    {"glm4_moe", TextOnly<model_internal::ParseGlm4Moe>},
    {"glm_moe_dsa", TextAndType<model_internal::ParseDeepSeekFamily>},
    {"gpt_oss", TextOnly<model_internal::ParseGptOss>},
    {"kimi_k2", TextAndType<model_internal::ParseDeepSeekFamily>},
    {"llama", TextAndType<model_internal::ParseDenseFamily>},
    {"llama4", TopAndText<model_internal::ParseLlama4>},
    {"llama4_text", TopAndText<model_internal::ParseLlama4>},
    {"minimax_m2", TextOnly<model_internal::ParseMiniMaxM2>},
    {"mistral", TextAndType<model_internal::ParseDenseFamily>},
    {"mixtral", TextAndType<model_internal::ParseMixtralFamily>},
    {"nemotron_h", TextOnly<model_internal::ParseNemotronH>},
    {"qwen2", TextAndType<model_internal::ParseDenseFamily>},
    {"qwen3", TextAndType<model_internal::ParseDenseFamily>},
    {"qwen3_5_moe", TopAndText<model_internal::ParseQwen35Moe>},
    {"qwen3_5_moe_text", TopAndText<model_internal::ParseQwen35Moe>},
    {"qwen3_moe", TextAndType<model_internal::ParseMixtralFamily>},
}};

// The registry's entry for `type`, or nullptr.
const Family* FindFamily(std::string_view type) {
  const auto* it =
      std::find_if(kFamilies.begin(), kFamilies.end(), [type](const Family& f) { return f.model_type == type; });
  return it == kFamilies.end() ? nullptr : it;
}

bool IsSupported(std::string_view t) { return FindFamily(t) != nullptr; }

// nlohmann's what() reads "[json.exception.parse_error.101] parse error at line 1, column 5: syntax
// error while parsing ..."; keep the part after the location, since the byte offset is given.
std::string ParseErrorDetail(const nlohmann::json::parse_error& e) {
  std::string what = e.what();
  const auto at = what.find("parse error");
  const auto colon = what.find(": ", at == std::string::npos ? 0 : at);
  return colon == std::string::npos ? what : what.substr(colon + 2);
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
    for (const Family& f : kFamilies) list += (list.empty() ? "" : ", ") + std::string(f.model_type);
    return Error::Unsupported(fmt::format("{}: model_type '{}' is not supported (supported: {})", source, type, list),
                              "model_type");
  }
  ConfigReader text = nested ? top.Nested("text_config") : ConfigReader(j, source);
  auto spec = FindFamily(type)->parse(top, text, type);
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
