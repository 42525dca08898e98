// Gemma 4 (gemma4 wrapper, gemma4_text): sliding-window and full attention layers from
// `layer_types`; the full (global) layers have their own KV heads (num_global_key_value_heads)
// and head dim (global_head_dim) and, with attention_k_eq_v, no v_proj (keys serve as values).
// With enable_moe_block every layer has a dense gated MLP and, beside it, a routed MoE block.
// Weights as read from Hugging Face modeling_gemma4.py as far as it could be followed; the
// vision tower is an estimate (see docs/models.md and the model's limitations).
#include <fmt/format.h>

#include "model/builder.h"
#include "model/families.h"

namespace capplan::model_internal {

namespace {

// Gemma 4 attention: q, k, (v), o without bias, RMSNorms on q and k (head_dim each; the v norm
// has no weights).
int64_t Gemma4AttentionParams(int64_t hidden, int64_t heads, int64_t kv_heads, int64_t head_dim, bool k_eq_v) {
  return hidden * heads * head_dim + (k_eq_v ? 1 : 2) * hidden * kv_heads * head_dim + heads * head_dim * hidden +
         2 * head_dim;
}

// Vision encoder (estimate): per layer q/k/v/o of hidden^2, a gated MLP of 3 x hidden x
// intermediate, four norms; a patch embedding of 3 x patch^2 x hidden; a 2-D position table of
// 2 x position_embedding_size x hidden; a projection to the text hidden size.
int64_t Gemma4VisionParamsEstimate(ConfigReader& v, int64_t text_hidden) {
  const int64_t h = v.Positive("hidden_size");
  const int64_t inter = v.Positive("intermediate_size");
  const int64_t layers = v.Positive("num_hidden_layers");
  const int64_t patch = v.Positive("patch_size");
  const int64_t positions = v.NonNegativeOr("position_embedding_size", 0);
  if (!v.ok()) return 0;
  return layers * (4 * h * h + 3 * h * inter + 4 * h) + 3 * patch * patch * h + 2 * positions * h + h * text_hidden;
}

}  // namespace

Result<ModelSpec> ParseGemma4(ConfigReader& top, ConfigReader& r) {
  const CommonDims d = ReadCommonDims(r);
  const auto kinds = ReadLayerTypes(r, d.layers, AttentionKind::kFull);
  const int64_t window = r.PositiveOr("sliding_window", 0);
  const int64_t global_kv = r.PositiveOr("num_global_key_value_heads", d.kv_heads);
  const int64_t global_dim = r.PositiveOr("global_head_dim", d.head_dim);
  const bool k_eq_v = r.BoolOr("attention_k_eq_v", false);
  const int64_t inter = r.Positive("intermediate_size");
  const bool moe = r.BoolOr("enable_moe_block", false);
  const int64_t experts = moe ? r.Positive("num_experts") : 0;
  const int64_t top_k = moe ? r.Positive("top_k_experts") : 0;
  if (moe) r.RequireAtMost("top_k_experts", top_k, "num_experts", experts);
  const int64_t expert_inter = moe ? r.Positive("moe_intermediate_size") : 0;
  const int64_t shared_kv = r.NonNegativeOr("num_kv_shared_layers", 0);
  const int64_t per_layer_input = r.NonNegativeOr("hidden_size_per_layer_input", 0);
  r.RequireDivides("num_global_key_value_heads", global_kv, "num_attention_heads", d.heads);
  int64_t vision = 0;
  if (top.IsObject("vision_config")) {
    ConfigReader v = top.Nested("vision_config");
    vision = Gemma4VisionParamsEstimate(v, d.hidden);
  }
  if (!top.ok()) return top.error();
  if (!r.ok()) return r.error();

  ModelSpec m = BaseSpec(d, "gemma4");
  const int64_t h = d.hidden;
  const int64_t local_attn = Gemma4AttentionParams(h, d.heads, d.kv_heads, d.head_dim, false);
  const int64_t global_attn = Gemma4AttentionParams(h, d.heads, global_kv, global_dim, k_eq_v);
  for (const AttentionKind k : kinds) {
    LayerSpec l{.attention = k,
                .window = WindowFor(k, window, 0),
                .attention_params = k == AttentionKind::kFull ? global_attn : local_attn,
                .dense_mlp_params = GatedMlpParams(h, inter),
                // input, post-attention, pre/post feed-forward norms, and the MoE block's three.
                .norm_params = (moe ? 7 : 4) * h};
    if (k == AttentionKind::kFull)
      l.kv_shape = LayerKvShape{
          .num_kv_heads = static_cast<int>(global_kv), .head_dim = static_cast<int>(global_dim), .k_eq_v = k_eq_v};
    if (moe) {
      l.num_experts = static_cast<int>(experts);
      l.experts_per_token = static_cast<int>(top_k);
      l.expert_params = GatedMlpParams(h, expert_inter);
      l.router_params = h * experts;
    }
    m.layers.push_back(l);
  }
  if (shared_kv > 0)
    m.limitations.push_back(
        fmt::format("num_kv_shared_layers={}: the last layers reuse earlier KV; counted as "
                    "holding their own (an overestimate)",
                    shared_kv));
  if (per_layer_input > 0)
    m.limitations.push_back("per-layer input embeddings (hidden_size_per_layer_input) are not counted");
  if (vision > 0)
    m.limitations.push_back(
        "the vision tower's size is an estimate from vision_config (its exact layout was not read)");
  Assemble(m, d.vocab * h, d.tied ? 0 : d.vocab * h, h, vision);
  return m;
}

}  // namespace capplan::model_internal
