// llama, mistral, qwen2, qwen3: dense decoders. Per layer: GQA attention, SwiGLU MLP, two RMSNorms.
#include <fmt/format.h>

#include "model/builder.h"
#include "model/families.h"

namespace capplan::model_internal {

namespace {

// Qwen2/Qwen3 (and Qwen3-MoE) slide only when use_sliding_window is set, and then only on the
// layers from max_window_layers on (Hugging Face Qwen2 layer_types rule).
std::vector<AttentionKind> QwenLayerKinds(ConfigReader& r, int64_t layers, int64_t* window) {
  std::vector<AttentionKind> kinds(static_cast<size_t>(layers), AttentionKind::kFull);
  *window = 0;
  if (r.BoolOr("use_sliding_window", false) && r.Has("sliding_window")) {
    *window = r.Positive("sliding_window");
    const int64_t first = r.NonNegativeOr("max_window_layers", 0);
    for (int64_t i = first; i < layers; ++i) kinds[static_cast<size_t>(i)] = AttentionKind::kSliding;
  }
  if (r.Has("layer_types")) {
    kinds = ReadLayerTypes(r, layers, AttentionKind::kFull);
    *window = r.PositiveOr("sliding_window", 0);
  }
  return kinds;
}

}  // namespace

Result<ModelSpec> ParseDenseFamily(ConfigReader& r, const std::string& family) {
  const CommonDims d = ReadCommonDims(r);
  const int64_t inter = r.Positive("intermediate_size");
  const bool qwen = family == "qwen2" || family == "qwen3";
  // qwen2 always has q/k/v biases and no o bias; the others use attention_bias for all four.
  const bool attention_bias = family == "qwen2" || r.BoolOr("attention_bias", false);
  const bool mlp_bias = r.BoolOr("mlp_bias", false);
  int64_t window = 0;
  std::vector<AttentionKind> kinds;
  if (qwen) {
    kinds = QwenLayerKinds(r, d.layers, &window);
  } else if (r.Has("layer_types")) {
    kinds = ReadLayerTypes(r, d.layers, AttentionKind::kFull);
    window = r.PositiveOr("sliding_window", 0);
  } else {
    // Mistral-style: a non-null sliding_window applies to every layer.
    window = r.PositiveOr("sliding_window", 0);
    kinds.assign(static_cast<size_t>(d.layers), window > 0 ? AttentionKind::kSliding : AttentionKind::kFull);
  }
  if (!r.ok()) return r.error();

  ModelSpec m = BaseSpec(d, family);
  const GqaShape attn{.hidden = d.hidden,
                      .heads = d.heads,
                      .kv_heads = d.kv_heads,
                      .head_dim = d.head_dim,
                      .qkv_bias = attention_bias,
                      .o_bias = attention_bias && family != "qwen2",
                      .qk_norm = family == "qwen3"};
  const int64_t mlp = GatedMlpParams(d.hidden, inter) + (mlp_bias ? 2 * inter + d.hidden : 0);
  for (const AttentionKind k : kinds) {
    m.layers.push_back({.attention = k,
                        .window = WindowFor(k, window, 0),
                        .attention_params = GqaAttentionParams(attn),
                        .dense_mlp_params = mlp,
                        .norm_params = 2 * d.hidden});
  }
  Assemble(m, d.vocab * d.hidden, d.tied ? 0 : d.vocab * d.hidden, d.hidden, 0);
  return m;
}

}  // namespace capplan::model_internal
