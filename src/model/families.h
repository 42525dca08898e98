// One adapter per Hugging Face config family. Each reads its fields through a ConfigReader (the
// only place that knows the Hugging Face spellings), checks the reader once, and builds the
// normalized ModelSpec with exact per-layer parameter counts.
#pragma once

#include <string>

#include "capplan/error.h"
#include "capplan/model.h"
#include "model/config_reader.h"

namespace capplan::model_internal {

/// llama, mistral, qwen2, qwen3: dense decoders with GQA.
Result<ModelSpec> ParseDenseFamily(ConfigReader& r, const std::string& family);
/// mixtral, qwen3_moe: GQA plus routed experts (no shared expert).
Result<ModelSpec> ParseMixtralFamily(ConfigReader& r, const std::string& family);
Result<ModelSpec> ParseGptOss(ConfigReader& r);
Result<ModelSpec> ParseDbrx(ConfigReader& r);
/// deepseek_v3, kimi_k2, deepseek_v32 and glm_moe_dsa (MLA, the last two with the DSA indexer) and glm4_moe (GQA):
/// DeepSeek-style MoE with dense first layers, shared experts, a router with a score-correction bias, and
/// multi-token-prediction layers.
Result<ModelSpec> ParseDeepSeekFamily(ConfigReader& r, const std::string& family);
Result<ModelSpec> ParseGlm4Moe(ConfigReader& r);
/// llama4 (text + optional vision tower) and llama4_text. `top` is the whole file, `text` the
/// text_config (or the same object for a text-only config).
Result<ModelSpec> ParseLlama4(ConfigReader& top, ConfigReader& text);

/// qwen3_5_moe (and qwen3_5_moe_text): Gated DeltaNet + gated full attention, MoE, vision tower.
Result<ModelSpec> ParseQwen35Moe(ConfigReader& top, ConfigReader& text);
Result<ModelSpec> ParseMiniMaxM2(ConfigReader& r);
/// nemotron_h: Mamba-2, attention, MoE and MLP blocks from hybrid_override_pattern.
Result<ModelSpec> ParseNemotronH(ConfigReader& r);
/// gemma4 (and gemma4_text): sliding + global attention, dense MLP beside an MoE block.
Result<ModelSpec> ParseGemma4(ConfigReader& top, ConfigReader& text);
/// deepseek_v4: the conservative reading of its config (see docs/models.md).
Result<ModelSpec> ParseDeepSeekV4(ConfigReader& r);

/// Window assumed for a layer kind from the config: sliding_window or attention_chunk_size.
inline int64_t WindowFor(AttentionKind k, int64_t sliding, int64_t chunk) {
  if (k == AttentionKind::kSliding) return sliding;
  if (k == AttentionKind::kChunked) return chunk;
  return 0;
}

}  // namespace capplan::model_internal
