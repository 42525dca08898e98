// DeepSeek-V4 (deepseek_v4), the conservative reading of a config whose new fields are documented
// nowhere capplan's authors could read (docs/models.md lists each field and the reading taken):
//  - attention: q LoRA (wq_a, q_norm, wq_b to heads x head_dim), one shared key-value head of
//    head_dim (wkv + kv_norm; keys serve as values), a grouped low-rank output (o_groups groups of
//    heads x head_dim / o_groups -> o_lora_rank, then o_groups x o_lora_rank -> hidden), one sink
//    per head;
//  - every layer keeps a sliding window of sliding_window raw tokens; a layer with
//    compress_ratios[i] = r > 0 also keeps one compressed entry per r tokens (a compressor of two
//    hidden x head_dim projections and a norm, an estimate); layers with r = 4 (the smallest ratio)
//    carry the lightning indexer (index_*), scoring compressed entries and picking index_topk;
//  - hc_mult hyper-connections: 2 x (hc_mult x hidden) x (2 hc_mult + hc_mult^2) weights per layer
//    (an estimate, counted with the norms); num_hash_layers hash-routed layers are counted with a
//    learned router (an overestimate of a few MB);
//  - expert_dtype fp4: routed experts in MXFP4 (E8M0 block scales, as scale_fmt ue8m0 suggests),
//    the rest FP8 blocks per quantization_config.
#include <fmt/format.h>

#include <algorithm>

#include "model/builder.h"
#include "model/families.h"

namespace capplan::model_internal {

Result<ModelSpec> ParseDeepSeekV4(ConfigReader& r) {
  const CommonDims d = ReadCommonDims(r);
  const int64_t q_lora = r.Positive("q_lora_rank");
  const int64_t o_lora = r.Positive("o_lora_rank");
  const int64_t o_groups = r.Positive("o_groups");
  r.RequireDivides("o_groups", o_groups, "num_attention_heads", d.heads);
  const int64_t window = r.Positive("sliding_window");
  const int64_t hc = r.PositiveOr("hc_mult", 1);
  const std::vector<int64_t> ratios = r.IntList("compress_ratios");
  if (!ratios.empty() && static_cast<int64_t>(ratios.size()) < d.layers)
    r.Fail("compress_ratios", fmt::format("has {} entries, fewer than num_hidden_layers={}", ratios.size(), d.layers));
  const SparseIndexSpec index{.num_heads = static_cast<int>(r.Positive("index_n_heads")),
                              .head_dim = static_cast<int>(r.Positive("index_head_dim")),
                              .topk = static_cast<int>(r.Positive("index_topk"))};
  const int64_t experts = r.Positive("n_routed_experts");
  const int64_t top_k = r.Positive("num_experts_per_tok");
  r.RequireAtMost("num_experts_per_tok", top_k, "n_routed_experts", experts);
  const int64_t expert_inter = r.Positive("moe_intermediate_size");
  const int64_t shared = r.NonNegativeOr("n_shared_experts", 0);
  const int64_t mtp_layers = r.NonNegativeOr("num_nextn_predict_layers", 0);
  const std::string expert_dtype = r.StringOr("expert_dtype", "");
  if (!r.ok()) return r.error();

  ModelSpec m = BaseSpec(d, "deepseek_v4");
  m.sparse_index = index;
  const int64_t h = d.hidden;
  const int64_t q_dim = d.heads * d.head_dim;
  const int64_t attn = h * q_lora + q_lora + q_lora * q_dim + h * d.head_dim + d.head_dim + q_dim * o_lora +
                       o_groups * o_lora * h + d.heads;
  const int64_t compressor = 2 * h * d.head_dim + d.head_dim;
  const int64_t indexer =
      q_lora * index.num_heads * index.head_dim + h * index.head_dim + 2LL * index.head_dim + h * index.num_heads;
  int64_t smallest = 0;
  for (int64_t i = 0; i < d.layers && !ratios.empty(); ++i)
    if (ratios[static_cast<size_t>(i)] > 0)
      smallest = smallest == 0 ? ratios[static_cast<size_t>(i)] : std::min(smallest, ratios[static_cast<size_t>(i)]);
  const int64_t hyper = 2 * (hc * h) * (2 * hc + hc * hc);
  for (int64_t i = 0; i < d.layers; ++i) {
    const int64_t ratio = ratios.empty() ? 0 : ratios[static_cast<size_t>(i)];
    LayerSpec l{.kv_shape = LayerKvShape{.num_kv_heads = static_cast<int>(d.kv_heads),
                                         .head_dim = static_cast<int>(d.head_dim),
                                         .k_eq_v = true},
                .sparse_index = ratio > 0 && ratio == smallest,
                .compress_ratio = static_cast<int>(ratio),
                .attention = AttentionKind::kSliding,
                .window = window,
                .attention_params = attn + (ratio > 0 ? compressor : 0),
                .num_experts = static_cast<int>(experts),
                .experts_per_token = static_cast<int>(top_k),
                .expert_params = GatedMlpParams(h, expert_inter),
                .shared_expert_params = shared * GatedMlpParams(h, expert_inter),
                .router_params = h * experts + experts,
                .norm_params = 2 * h + hyper};
    if (l.sparse_index) l.attention_params += indexer;
    m.layers.push_back(l);
  }
  if (expert_dtype == "fp4") {
    m.native.routed_experts = DType::kMXFP4;
    m.native.linear = DType::kFP8;
    m.native.description =
        "MXFP4 routed experts (expert_dtype=fp4, block scales assumed E8M0 per 32), FP8 128x128 blocks for the other "
        "linear layers (quantization_config), BF16 embedding, LM head and norms";
  }
  const LayerSpec& last = m.layers.back();
  m.mtp_params = mtp_layers * (3 * h + 2 * h * h + last.attention_params + experts * last.expert_params +
                               last.shared_expert_params + last.router_params + last.norm_params);
  m.limitations.push_back(
      "deepseek_v4: compress_ratios, hc_mult, o_groups and num_hash_layers are read conservatively (docs/models.md): "
      "each layer keeps its sliding window plus one compressed KV entry per compress ratio, in the KV dtype; "
      "compressor and hyper-connection weights are estimates");
  Assemble(m, d.vocab * h, d.tied ? 0 : d.vocab * h, h, 0);
  return m;
}

}  // namespace capplan::model_internal
