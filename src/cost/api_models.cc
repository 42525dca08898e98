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

constexpr std::array<std::pair<std::string_view, std::string_view>, 20> kModelText = {{
    {"meta-llama/llama-4-scout-17b-16e-instruct", "llama-4-scout"},
    {"meta-llama/llama-4-maverick-17b-128e-instruct", "llama-4-maverick"},
    {"openai/gpt-oss-120b", "gpt-oss-120b"},
    {"gpt-oss-120b", "gpt-oss-120b"},
    {"openai/gpt-oss-20b", "gpt-oss-20b"},
    {"mistralai/Mixtral-8x7B-Instruct-v0.1", "mixtral-8x7b"},
    {"mixtral-8x22b-instruct", "mixtral-8x22b"},
    {"DeepSeek V3 family", "deepseek-v3"},
    {"deepseek-v3", "deepseek-v3"},
    {"deepseek-chat (DeepSeek-V3)", "deepseek-v3"},
    {"deepseek-r1", "deepseek-r1"},
    {"deepseek-reasoner (DeepSeek-R1)", "deepseek-r1"},
    {"GLM 4.7", "glm-4.7"},
    {"zai/glm-4.5", "glm-4.5"},
    // Fireworks prices every 4B-16B model at one rate; the row names Qwen3 8B-14B, so it prices qwen3-8b exactly.
    {"Qwen3 8B-14B class (4B-16B size tier)", "qwen3-8b"},
    {"Qwen/Qwen3-14B", "qwen3-14b"},
    {"qwen/qwen3-32b", "qwen3-32b"},
    {"moonshotai/kimi-k2-instruct-0905", "kimi-k2"},
    {"moonshotai/kimi-k2", "kimi-k2"},
    {"kimi-k2", "kimi-k2"},
}};

struct PresetEquivalents {
  std::string_view preset;
  std::array<Equivalent, 2> list;  // unused slots have an empty key
};

constexpr std::array<PresetEquivalents, 9> kEquivalents = {{
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
  const std::string lower = Lower(cost_internal::Trim(text));
  for (const auto& [wording, key] : kModelText)
    if (lower == Lower(wording)) return std::string(key);
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
