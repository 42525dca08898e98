// Parameter formulas shared by the family adapters, and the assembly of a ModelSpec from its
// layers. Every count here is a number of weights (not bytes).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "capplan/model.h"
#include "model/config_reader.h"

namespace capplan::model_internal {

/// Grouped-query (or multi-head) attention of one layer: q, k, v, o projections, optional
/// biases, optional per-head-dim q/k RMSNorms (Qwen3, GLM) and attention sinks (gpt-oss).
struct GqaShape {
  int64_t hidden = 0;
  int64_t heads = 0;
  int64_t kv_heads = 0;
  int64_t head_dim = 0;
  bool qkv_bias = false;
  bool o_bias = false;
  bool qk_norm = false;  // q_norm and k_norm, head_dim weights each
  bool sinks = false;    // one learned sink logit per head
};
int64_t GqaAttentionParams(const GqaShape& s);

/// SwiGLU MLP (gate, up, down): 3 x hidden x intermediate.
constexpr int64_t GatedMlpParams(int64_t hidden, int64_t intermediate) { return 3 * hidden * intermediate; }

/// The fields every Hugging Face decoder config spells the same way.
struct CommonDims {
  int64_t hidden = 0;
  int64_t layers = 0;
  int64_t heads = 0;
  int64_t kv_heads = 0;
  int64_t head_dim = 0;
  int64_t vocab = 0;
  int64_t max_context = 0;
  bool tied = false;
  std::string torch_dtype;
};
/// Reads hidden_size, num_hidden_layers, num_attention_heads, num_key_value_heads (default: heads),
/// head_dim (default: hidden / heads), vocab_size, max_position_embeddings, tie_word_embeddings,
/// torch_dtype, and checks that the KV heads divide the heads.
CommonDims ReadCommonDims(ConfigReader& r);

/// Attention kind of each layer from `layer_types` ("sliding_attention", "full_attention",
/// "chunked_attention") when present; otherwise every layer is `fallback`.
std::vector<AttentionKind> ReadLayerTypes(ConfigReader& r, int64_t layers, AttentionKind fallback);

/// Fills m.params from the layers plus the pieces outside them.
void Assemble(ModelSpec& m, int64_t embedding, int64_t lm_head, int64_t final_norm, int64_t vision);

/// The base spec from the common dims: sizes, GQA attention geometry, BF16 (or torch_dtype) base.
ModelSpec BaseSpec(const CommonDims& d, const std::string& family);

}  // namespace capplan::model_internal
