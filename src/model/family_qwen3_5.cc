// Qwen3.5 MoE (qwen3_5_moe, text_config qwen3_5_moe_text; Qwen3-Next's layout): `layer_types`
// mixes Gated DeltaNet linear-attention layers (a fixed recurrent state per sequence) with
// gated full-attention layers every full_attention_interval-th layer; every layer is MoE with one
// gated shared expert; the vision tower is Qwen3-VL's. Weights as in Hugging Face
// modeling_qwen3_next.py / modeling_qwen3_5_moe.py (see docs/models.md).
#include <fmt/format.h>

#include "model/builder.h"
#include "model/families.h"

namespace capplan::model_internal {

namespace {

// Gated DeltaNet layer: in_proj_qkvz hidden x (2 nk dk + 2 nv dv), in_proj_ba hidden x 2 nv, a
// depthwise conv1d of (2 nk dk + nv dv) x w without bias, dt_bias and A_log (nv each), a gated
// RMSNorm over dv, out_proj nv dv x hidden.
int64_t GatedDeltaNetParams(const GatedDeltaNetSpec& g, int64_t hidden) {
  const int64_t k = static_cast<int64_t>(g.num_key_heads) * g.key_head_dim;
  const int64_t v = static_cast<int64_t>(g.num_value_heads) * g.value_head_dim;
  return hidden * (2 * k + 2 * v) + hidden * 2 * g.num_value_heads + (2 * k + v) * g.conv_kernel +
         int64_t{2} * g.num_value_heads + g.value_head_dim + v * hidden;
}

// Qwen3-VL vision tower: Conv3d patch embedding with bias, learned positions, `depth` blocks
// (two LayerNorms with bias, fused qkv and proj with bias, fc1/fc2 with bias), and the patch
// merger (LayerNorm over the vision hidden, fc1 over merge^2 x hidden with bias, fc2 to the text
// hidden with bias). deepstack_visual_indexes would add one merger each.
int64_t Qwen3VlVisionParams(ConfigReader& v) {
  const int64_t h = v.Positive("hidden_size");
  const int64_t inter = v.Positive("intermediate_size");
  const int64_t depth = v.Positive("depth");
  const int64_t channels = v.PositiveOr("in_channels", 3);
  const int64_t patch = v.Positive("patch_size");
  const int64_t temporal = v.PositiveOr("temporal_patch_size", 2);
  const int64_t merge = v.PositiveOr("spatial_merge_size", 2);
  const int64_t out = v.Positive("out_hidden_size");
  const int64_t positions = v.NonNegativeOr("num_position_embeddings", 0);
  const int64_t deepstack = static_cast<int64_t>(v.IntList("deepstack_visual_indexes").size());
  if (!v.ok()) return 0;
  const int64_t block = 4 * h + (3 * h * h + 3 * h) + (h * h + h) + (2 * h * inter + inter + h);
  const int64_t merged = h * merge * merge;
  const int64_t merger = 2 * h + merged * merged + merged + merged * out + out;
  return channels * temporal * patch * patch * h + h + positions * h + depth * block + (1 + deepstack) * merger;
}

}  // namespace

Result<ModelSpec> ParseQwen35Moe(ConfigReader& top, ConfigReader& r) {
  const CommonDims d = ReadCommonDims(r);
  GatedDeltaNetSpec g{.num_key_heads = static_cast<int>(r.Positive("linear_num_key_heads")),
                      .num_value_heads = static_cast<int>(r.Positive("linear_num_value_heads")),
                      .key_head_dim = static_cast<int>(r.Positive("linear_key_head_dim")),
                      .value_head_dim = static_cast<int>(r.Positive("linear_value_head_dim")),
                      .conv_kernel = static_cast<int>(r.Positive("linear_conv_kernel_dim"))};
  r.RequireDivides("linear_num_key_heads", g.num_key_heads, "linear_num_value_heads", g.num_value_heads);
  const std::string state_dtype = r.StringOr("mamba_ssm_dtype", "float32");
  const int64_t experts = r.Positive("num_experts");
  const int64_t top_k = r.Positive("num_experts_per_tok");
  r.RequireAtMost("num_experts_per_tok", top_k, "num_experts", experts);
  const int64_t expert_inter = r.Positive("moe_intermediate_size");
  const int64_t shared_inter = r.NonNegativeOr("shared_expert_intermediate_size", 0);
  const bool output_gate = r.BoolOr("attn_output_gate", true);
  const int64_t interval = r.PositiveOr("full_attention_interval", 4);
  const int64_t mtp_layers = r.NonNegativeOr("mtp_num_hidden_layers", 0);
  const std::vector<std::string> names = r.StringList("layer_types");
  if (!names.empty() && static_cast<int64_t>(names.size()) != d.layers)
    r.Fail("layer_types", fmt::format("has {} entries but num_hidden_layers={}", names.size(), d.layers));
  std::vector<MixerKind> mixers(static_cast<size_t>(d.layers), MixerKind::kGatedDeltaNet);
  for (int64_t i = 0; i < d.layers && r.ok(); ++i) {
    const std::string t = names.empty() ? ((i + 1) % interval == 0 ? "full_attention" : "linear_attention")
                                        : names[static_cast<size_t>(i)];
    if (t == "full_attention") {
      mixers[static_cast<size_t>(i)] = MixerKind::kAttention;
    } else if (t != "linear_attention") {
      r.Fail("layer_types", fmt::format("has unknown entry '{}' (expected linear_attention or full_attention)", t));
    }
  }
  int64_t vision = 0;
  if (top.IsObject("vision_config")) {
    ConfigReader v = top.Nested("vision_config");
    vision = Qwen3VlVisionParams(v);
  }
  if (!top.ok()) return top.error();
  if (!r.ok()) return r.error();
  auto sd = ParseDType(state_dtype, "mamba_ssm_dtype");
  if (!sd.ok()) return Error::InvalidArgument(fmt::format("{}: {}", r.source(), sd.error().message), "mamba_ssm_dtype");
  g.state_dtype = *sd;

  ModelSpec m = BaseSpec(d, "qwen3_5_moe");
  m.gated_delta_net = g;
  // Gated attention: q_proj doubles its output (query and output gate); q/k RMSNorms over head_dim.
  const int64_t q_out = d.heads * d.head_dim * (output_gate ? 2 : 1);
  const int64_t full_attn =
      d.hidden * q_out + 2 * d.hidden * d.kv_heads * d.head_dim + d.heads * d.head_dim * d.hidden + 2 * d.head_dim;
  const int64_t linear_attn = GatedDeltaNetParams(g, d.hidden);
  LayerSpec moe{.num_experts = static_cast<int>(experts),
                .experts_per_token = static_cast<int>(top_k),
                .expert_params = GatedMlpParams(d.hidden, expert_inter),
                // The shared expert and its sigmoid gate (hidden -> 1).
                .shared_expert_params = shared_inter > 0 ? GatedMlpParams(d.hidden, shared_inter) + d.hidden : 0,
                .router_params = d.hidden * experts,
                .norm_params = 2 * d.hidden};
  for (const MixerKind k : mixers) {
    LayerSpec l = moe;
    l.mixer = k;
    l.attention_params = k == MixerKind::kAttention ? full_attn : linear_attn;
    m.layers.push_back(l);
  }
  // MTP: fc (2 hidden -> hidden), two input norms and a final norm, one full-attention MoE layer.
  const int64_t mtp_layer =
      full_attn + experts * moe.expert_params + moe.shared_expert_params + moe.router_params + moe.norm_params;
  m.mtp_params = mtp_layers > 0 ? 2 * d.hidden * d.hidden + 3 * d.hidden + mtp_layers * mtp_layer : 0;
  Assemble(m, d.vocab * d.hidden, d.tied ? 0 : d.vocab * d.hidden, d.hidden, vision);
  return m;
}

}  // namespace capplan::model_internal
