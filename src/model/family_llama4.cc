// Llama 4 (Scout, Maverick): interleaved MoE layers with one shared expert, dense layers of
// intermediate_size_mlp, chunked local attention on RoPE layers and global attention on the NoPE
// layers, and the vision tower when vision_config is present.
#include <fmt/format.h>

#include <algorithm>

#include "model/builder.h"
#include "model/families.h"

namespace capplan::model_internal {

namespace {

// The vision encoder and projector of Llama4ForConditionalGeneration (Hugging Face
// modeling_llama4.py), weight by weight:
//   patch embedding      Linear(channels x patch^2 -> hidden), no bias (unfold convolution)
//   class embedding      hidden
//   positional embedding ((image/patch)^2 + 1) x hidden
//   layernorm_pre/post   LayerNorm with bias: 2 x 2 x hidden
//   per encoder layer    q/k/v/o with bias 4 x (hidden^2 + hidden); fc1/fc2 with bias
//                        2 x hidden x intermediate + intermediate + hidden; two LayerNorms 4 x hidden
//   vision adapter       pixel-shuffle MLP: fc1 intermediate -> projector_input_dim and
//                        fc2 projector_input_dim -> projector_output_dim, no bias
//   multi_modal_projector vision_output_dim -> text hidden_size (bias if multi_modal_projector_bias)
// Scout/Maverick (1408 hidden, 5632 intermediate, 34 layers, 336/14 patches): 871.9M, Meta's "~0.9B".
int64_t VisionParams(ConfigReader& v, int64_t text_hidden) {
  const int64_t hidden = v.Positive("hidden_size");
  const int64_t inter = v.Positive("intermediate_size");
  const int64_t layers = v.Positive("num_hidden_layers");
  const int64_t channels = v.PositiveOr("num_channels", 3);
  const int64_t patch = v.Positive("patch_size");
  const int64_t image = v.Positive("image_size");
  const int64_t proj_in = v.Positive("projector_input_dim");
  const int64_t proj_out = v.Positive("projector_output_dim");
  const int64_t out_dim = v.Positive("vision_output_dim");
  const bool proj_bias = v.BoolOr("multi_modal_projector_bias", false);
  if (!v.ok()) return 0;
  const int64_t patches = (image / patch) * (image / patch);
  const int64_t per_layer = 4 * (hidden * hidden + hidden) + 2 * hidden * inter + inter + hidden + 4 * hidden;
  return channels * patch * patch * hidden + hidden + (patches + 1) * hidden + 4 * hidden + layers * per_layer +
         inter * proj_in + proj_in * proj_out + out_dim * text_hidden + (proj_bias ? text_hidden : 0);
}

}  // namespace

Result<ModelSpec> ParseLlama4(ConfigReader& top, ConfigReader& r) {
  const CommonDims d = ReadCommonDims(r);
  const int64_t experts = r.Positive("num_local_experts");
  const int64_t top_k = r.Positive("num_experts_per_tok");
  r.RequireAtMost("num_experts_per_tok", top_k, "num_local_experts", experts);
  const int64_t expert_inter = r.Positive("intermediate_size");
  const int64_t step = r.PositiveOr("interleave_moe_layer_step", 1);
  std::vector<int64_t> moe_layers = r.IntList("moe_layers");
  // Only needed when some layer is dense.
  const int64_t dense_inter = step > 1 || r.Has("moe_layers") ? r.Positive("intermediate_size_mlp") : 0;
  const int64_t chunk = r.PositiveOr("attention_chunk_size", 0);
  const int64_t nope_interval = r.PositiveOr("no_rope_layer_interval", 4);
  std::vector<int64_t> rope_flags = r.IntList("no_rope_layers");  // 1: RoPE layer, 0: NoPE layer
  const bool bias = r.BoolOr("attention_bias", false);
  if (!rope_flags.empty() && static_cast<int64_t>(rope_flags.size()) != d.layers)
    r.Fail("no_rope_layers", fmt::format("has {} entries but num_hidden_layers={}", rope_flags.size(), d.layers));
  int64_t vision = 0;
  if (top.IsObject("vision_config")) {
    ConfigReader v = top.Nested("vision_config");
    vision = VisionParams(v, d.hidden);
  }
  if (!top.ok()) return top.error();
  if (!r.ok()) return r.error();

  ModelSpec m = BaseSpec(d, "llama4");
  // use_qk_norm is an L2 norm without weights: no parameters.
  const int64_t attn = GqaAttentionParams({.hidden = d.hidden,
                                           .heads = d.heads,
                                           .kv_heads = d.kv_heads,
                                           .head_dim = d.head_dim,
                                           .qkv_bias = bias,
                                           .o_bias = bias});
  for (int64_t i = 0; i < d.layers; ++i) {
    const bool rope = rope_flags.empty() ? (i + 1) % nope_interval != 0 : rope_flags[static_cast<size_t>(i)] != 0;
    const AttentionKind kind = rope && chunk > 0 ? AttentionKind::kChunked : AttentionKind::kFull;
    LayerSpec l{.attention = kind,
                .window = kind == AttentionKind::kChunked ? chunk : 0,
                .attention_params = attn,
                .norm_params = 2 * d.hidden};
    const bool is_moe = moe_layers.empty() ? (i + 1) % step == 0
                                           : std::find(moe_layers.begin(), moe_layers.end(), i) != moe_layers.end();
    if (is_moe) {
      l.num_experts = static_cast<int>(experts);
      l.experts_per_token = static_cast<int>(top_k);
      l.expert_params = GatedMlpParams(d.hidden, expert_inter);
      l.shared_expert_params = GatedMlpParams(d.hidden, expert_inter);
      l.router_params = d.hidden * experts;
    } else {
      l.dense_mlp_params = GatedMlpParams(d.hidden, dense_inter);
    }
    m.layers.push_back(l);
  }
  Assemble(m, d.vocab * d.hidden, d.tied ? 0 : d.vocab * d.hidden, d.hidden, vision);
  return m;
}

}  // namespace capplan::model_internal
