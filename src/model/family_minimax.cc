// MiniMax-M2 (minimax_m2): GQA full attention with per-layer q/k RMSNorms over the whole
// projection width (qk_norm_type per_layer), 256 routed experts of intermediate_size (no shared
// expert), a sigmoid router with a routing bias. The published checkpoint is FP8 with 128x128
// block scales except the router (gate), its bias and the LM head (modules_to_not_convert).
// Weights as in MiniMaxAI's modeling_minimax_m2.py (see docs/models.md).
#include <fmt/format.h>

#include "model/builder.h"
#include "model/families.h"

namespace capplan::model_internal {

Result<ModelSpec> ParseMiniMaxM2(ConfigReader& r) {
  const CommonDims d = ReadCommonDims(r);
  const int64_t experts = r.Positive("num_local_experts");
  const int64_t top_k = r.Positive("num_experts_per_tok");
  r.RequireAtMost("num_experts_per_tok", top_k, "num_local_experts", experts);
  const int64_t inter = r.Positive("intermediate_size");
  const int64_t shared_inter = r.NonNegativeOr("shared_intermediate_size", 0);
  const bool qk_norm = r.BoolOr("use_qk_norm", true);
  const std::string norm_type = r.StringOr("qk_norm_type", "per_layer");
  const bool routing_bias = r.BoolOr("use_routing_bias", true);
  const bool mtp = r.BoolOr("use_mtp", false);
  const int64_t mtp_modules = r.NonNegativeOr("num_mtp_modules", 0);
  if (norm_type != "per_layer" && norm_type != "per_head")
    r.Fail("qk_norm_type", fmt::format("is '{}' (expected per_layer or per_head)", norm_type));
  if (!r.ok()) return r.error();

  ModelSpec m = BaseSpec(d, "minimax_m2");
  int64_t attn =
      GqaAttentionParams({.hidden = d.hidden, .heads = d.heads, .kv_heads = d.kv_heads, .head_dim = d.head_dim});
  if (qk_norm) attn += norm_type == "per_layer" ? (d.heads + d.kv_heads) * d.head_dim : 2 * d.head_dim;
  for (int64_t i = 0; i < d.layers; ++i) {
    m.layers.push_back({.attention_params = attn,
                        .num_experts = static_cast<int>(experts),
                        .experts_per_token = static_cast<int>(top_k),
                        .expert_params = GatedMlpParams(d.hidden, inter),
                        .shared_expert_params = shared_inter > 0 ? GatedMlpParams(d.hidden, shared_inter) : 0,
                        .router_params = d.hidden * experts + (routing_bias ? experts : 0),
                        .norm_params = 2 * d.hidden});
  }
  if (mtp && mtp_modules > 0)
    m.limitations.push_back(fmt::format(
        "{} multi-token-prediction modules (num_mtp_modules) are not counted: their layout is not in the config",
        mtp_modules));
  Assemble(m, d.vocab * d.hidden, d.tied ? 0 : d.vocab * d.hidden, d.hidden, 0);
  return m;
}

}  // namespace capplan::model_internal
