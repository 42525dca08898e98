// The one table from providers' model wording to model keys (capplan preset names where the model is a preset), and
// the nearest-equivalent rule.
//
// The rule: ApiPrices(preset) returns the rows whose key is the preset. When there are none, it walks the preset's
// list below, in order, and returns the rows of the first equivalent that has any, named as such. An equivalent is
// either the same architecture (same total and active parameters: serving costs the same, e.g. DeepSeek R1 and V3)
// or, failing that, the closest priced model of similar size, said to be a bound (e.g. Qwen3 32B dense for Qwen3
// 30B-A3B). A preset with no list (Llama 3.1 70B / 405B) gets no API comparison rather than a misleading one.
#include "cost/api_models.h"

#include <array>
#include <utility>

#include "capplan/cost.h"
#include "cost/text.h"

namespace capplan {
namespace {

using cost_internal::Equivalent;
using cost_internal::Lower;

// Hugging Face ids first, then providers' own ids (Bedrock model ids, Fireworks model paths, Groq names), then
// catalog wordings. A preset name maps to itself (MapModelText). Keys that are not presets (qwen3-235b-a22b,
// deepseek-v3.2, ...) keep those prices listed and usable as equivalents.
constexpr std::array<std::pair<std::string_view, std::string_view>, 56> kModelText = {{
    {"meta-llama/llama-4-scout-17b-16e-instruct", "llama-4-scout"},
    {"meta-llama/llama-4-maverick-17b-128e-instruct", "llama-4-maverick"},
    // The FP8 checkpoint of the same model (Together, DeepInfra serve it): the same model to a buyer of tokens.
    {"meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8", "llama-4-maverick"},
    {"openai/gpt-oss-120b", "gpt-oss-120b"},
    {"gpt-oss-120b", "gpt-oss-120b"},
    {"openai/gpt-oss-20b", "gpt-oss-20b"},
    {"mistralai/Mixtral-8x7B-Instruct-v0.1", "mixtral-8x7b"},
    {"mixtral-8x22b-instruct", "mixtral-8x22b"},
    {"DeepSeek V3 family", "deepseek-v3"},
    {"deepseek-v3", "deepseek-v3"},
    {"deepseek-chat (DeepSeek-V3)", "deepseek-v3"},
    {"deepseek-ai/DeepSeek-V3", "deepseek-v3"},
    {"deepseek-r1", "deepseek-r1"},
    {"deepseek-reasoner (DeepSeek-R1)", "deepseek-r1"},
    {"deepseek-ai/DeepSeek-R1", "deepseek-r1"},
    // R1-0528 is an updated checkpoint of R1, same architecture and name on Hugging Face's R1 page.
    {"deepseek-ai/DeepSeek-R1-0528", "deepseek-r1"},
    {"deepseek-ai/DeepSeek-V3.2", "deepseek-v3.2"},
    {"deepseek-ai/DeepSeek-V4-Flash", "deepseek-v4-flash"},
    {"deepseek-ai/DeepSeek-V4-Pro", "deepseek-v4-pro"},
    {"GLM 4.7", "glm-4.7"},
    {"zai/glm-4.5", "glm-4.5"},
    // Fireworks prices every 4B-16B model at one rate; the row names Qwen3 8B-14B, so it prices qwen3-8b exactly.
    {"Qwen3 8B-14B class (4B-16B size tier)", "qwen3-8b"},
    {"Qwen/Qwen3-14B", "qwen3-14b"},
    {"qwen/qwen3-32b", "qwen3-32b"},
    {"Qwen/Qwen3-235B-A22B", "qwen3-235b-a22b"},
    // The 2507 Instruct release of the same 235B-A22B architecture.
    {"Qwen/Qwen3-235B-A22B-Instruct-2507", "qwen3-235b-a22b"},
    {"meta-llama/Llama-3.3-70B-Instruct", "llama-3.3-70b"},
    {"MiniMaxAI/MiniMax-M2.5", "minimax-m2.5"},
    {"moonshotai/kimi-k2-instruct-0905", "kimi-k2"},
    {"moonshotai/kimi-k2", "kimi-k2"},
    {"kimi-k2", "kimi-k2"},
    // Hugging Face ids of the other presets, so a user's row naming them counts.
    {"meta-llama/Llama-3.1-8B-Instruct", "llama-3.1-8b"},
    {"meta-llama/Llama-3.1-70B-Instruct", "llama-3.1-70b"},
    {"meta-llama/Llama-3.1-405B-Instruct", "llama-3.1-405b"},
    {"Qwen/Qwen3-30B-A3B", "qwen3-30b-a3b"},
    {"Qwen/Qwen3-8B", "qwen3-8b"},
    {"Qwen/Qwen2.5-7B-Instruct", "qwen2.5-7b"},
    {"Qwen/Qwen2.5-7B", "qwen2.5-7b"},
    {"meta-llama/Llama-3.1-8B", "llama-3.1-8b"},
    {"meta-llama/Llama-3.1-70B", "llama-3.1-70b"},
    {"meta-llama/Llama-3.1-405B", "llama-3.1-405b"},
    {"mistralai/Mixtral-8x7B-v0.1", "mixtral-8x7b"},
    {"databricks/dbrx-instruct", "dbrx"},
    {"zai-org/GLM-4.7", "glm-4.7"},
    // Amazon Bedrock model ids (a cross-region prefix such as "us." is dropped before matching).
    {"meta.llama4-scout-17b-instruct-v1:0", "llama-4-scout"},
    {"meta.llama4-maverick-17b-instruct-v1:0", "llama-4-maverick"},
    {"openai.gpt-oss-120b-1:0", "gpt-oss-120b"},
    {"openai.gpt-oss-20b-1:0", "gpt-oss-20b"},
    {"deepseek.r1-v1:0", "deepseek-r1"},
    {"meta.llama3-3-70b-instruct-v1:0", "llama-3.3-70b"},
    {"qwen.qwen3-32b-v1:0", "qwen3-32b"},
    // Fireworks model paths.
    {"accounts/fireworks/models/llama4-scout-instruct-basic", "llama-4-scout"},
    {"accounts/fireworks/models/llama4-maverick-instruct-basic", "llama-4-maverick"},
    {"accounts/fireworks/models/gpt-oss-120b", "gpt-oss-120b"},
    {"accounts/fireworks/models/deepseek-r1", "deepseek-r1"},
    // Groq's own name for Llama 3.3 70B.
    {"llama-3.3-70b-versatile", "llama-3.3-70b"},
}};

struct PresetEquivalents {
  std::string_view preset;
  std::array<Equivalent, 2> list;  // unused slots have an empty key
};

constexpr std::array<PresetEquivalents, 10> kEquivalents = {{
    {"llama-3.1-70b",
     {{{"llama-3.3-70b", "Llama 3.3 70B",
        "same 70B dense architecture (3.3 is a post-trained 3.1 70B), so serving costs the same"}}}},
    {"deepseek-r1",
     {{{"deepseek-v3", "DeepSeek V3 family",
        "same 671B-total / 37B-active MoE architecture (R1 is a post-trained V3), so serving costs the same"}}}},
    {"deepseek-v3",
     {{{"deepseek-r1", "DeepSeek R1", "same 671B-total / 37B-active MoE architecture (R1 is a post-trained V3)"}}}},
    {"glm-4.7", {{{"glm-4.5", "GLM-4.5", "same 355B-total / 32B-active MoE architecture"}}}},
    {"dbrx",
     {{{"mixtral-8x22b", "Mixtral 8x22B",
        "an MoE of nearly the same size (141B total / 39B active vs DBRX's 132B / 36B)"}}}},
    {"mixtral-8x7b",
     {{{"mixtral-8x22b", "Mixtral 8x22B", "same family, 3x larger (141B / 39B active vs 47B / 13B): an upper bound"}}}},
    {"qwen3-30b-a3b",
     {{{"qwen3-32b", "Qwen3 32B (dense)",
        "same family and total size, but dense (32B active vs 3B): an upper bound"}}}},
    {"qwen3-8b", {{{"qwen3-14b", "Qwen3 14B", "same family, larger: an upper bound"}}}},
    {"llama-3.1-8b",
     {{{"qwen3-8b", "Fireworks 4B-16B size tier",
        "Fireworks charges one rate for every 4B-16B-parameter model, Llama 3.1 8B included"}}}},
    {"qwen2.5-7b",
     {{{"qwen3-8b", "Fireworks 4B-16B size tier",
        "Fireworks charges one rate for every 4B-16B-parameter model, Qwen2.5 7B included"},
       {"qwen3-14b", "Qwen3 14B", "a newer, larger model of the same family: an upper bound"}}}},
}};

}  // namespace

std::optional<std::string> MapModelText(std::string_view text) {
  std::string lower = Lower(cost_internal::Trim(text));
  // Bedrock's cross-region inference profiles prefix the model id with a geography.
  for (std::string_view geo : {"us.", "eu.", "apac.", "global."})
    if (lower.starts_with(geo) && lower.find(':') != std::string::npos) lower = lower.substr(geo.size());
  for (const auto& [wording, key] : kModelText)
    if (lower == Lower(wording) || lower == key) return std::string(key);
  return std::nullopt;
}

namespace cost_internal {

std::vector<Equivalent> NearestEquivalents(std::string_view preset) {
  std::vector<Equivalent> out;
  for (const auto& e : kEquivalents) {
    if (e.preset != preset) continue;
    for (const auto& eq : e.list)
      if (!eq.key.empty()) out.push_back(eq);
  }
  return out;
}

}  // namespace cost_internal
}  // namespace capplan
