// Nemotron-H (nemotron_h): a stack of single-purpose blocks from hybrid_override_pattern (or
// layers_block_type): `M` Mamba-2 mixer, `*` GQA attention, `E` MoE (ReLU^2 experts, one shared
// expert, sigmoid router with correction bias), `-` dense ReLU^2 MLP. Each block has one RMSNorm.
// Weights as in NVIDIA's modeling_nemotron_h.py (see docs/models.md).
#include <fmt/format.h>

#include "model/builder.h"
#include "model/families.h"

namespace capplan::model_internal {

namespace {

// Mamba-2 mixer: in_proj hidden x (2 d_inner + 2 g n + h) (z, x, B, C, dt), conv1d over
// x, B, C of (d_inner + 2 g n) x w (+ bias), A_log, D and dt_bias per head, a gated RMSNorm over
// d_inner, out_proj d_inner x hidden.
int64_t Mamba2Params(const Mamba2Spec& s, int64_t hidden, bool proj_bias, bool conv_bias) {
  const int64_t d_inner = static_cast<int64_t>(s.num_heads) * s.head_dim;
  const int64_t conv_dim = d_inner + 2LL * s.n_groups * s.state_size;
  const int64_t in_out = d_inner + conv_dim + s.num_heads;
  return hidden * in_out + (proj_bias ? in_out : 0) + conv_dim * s.conv_kernel + (conv_bias ? conv_dim : 0) +
         3LL * s.num_heads + d_inner + d_inner * hidden + (proj_bias ? hidden : 0);
}

// layers_block_type spells the blocks out ("mamba", "attention", "moe", "mlp").
std::string PatternFromBlockTypes(ConfigReader& r) {
  std::string pattern;
  for (const std::string& t : r.StringList("layers_block_type")) {
    if (t == "mamba")
      pattern += 'M';
    else if (t == "attention")
      pattern += '*';
    else if (t == "moe")
      pattern += 'E';
    else if (t == "mlp")
      pattern += '-';
    else
      r.Fail("layers_block_type", fmt::format("has unknown entry '{}' (expected mamba, attention, moe or mlp)", t));
  }
  return pattern;
}

}  // namespace

Result<ModelSpec> ParseNemotronH(ConfigReader& r) {
  const CommonDims d = ReadCommonDims(r);
  std::string pattern = r.StringOr("hybrid_override_pattern", "");
  if (pattern.empty()) pattern = PatternFromBlockTypes(r);
  if (r.ok() && static_cast<int64_t>(pattern.size()) != d.layers)
    r.Fail("hybrid_override_pattern", fmt::format("has {} blocks but num_hidden_layers={}", pattern.size(), d.layers));
  const size_t bad = pattern.find_first_not_of("M*E-");
  if (r.ok() && bad != std::string::npos)
    r.Fail("hybrid_override_pattern",
           fmt::format("has unknown block '{}' (expected M Mamba-2, * attention, E MoE, - MLP)", pattern[bad]));
  const auto has = [&](char c) { return pattern.find(c) != std::string::npos; };
  Mamba2Spec s;
  if (has('M')) {
    s = {.num_heads = static_cast<int>(r.Positive("mamba_num_heads")),
         .head_dim = static_cast<int>(r.Positive("mamba_head_dim")),
         .state_size = static_cast<int>(r.Positive("ssm_state_size")),
         .n_groups = static_cast<int>(r.PositiveOr("n_groups", 1)),
         .conv_kernel = static_cast<int>(r.Positive("conv_kernel"))};
    r.RequireDivides("n_groups", s.n_groups, "mamba_num_heads", s.num_heads);
  }
  const std::string cache_dtype = r.StringOr("mamba_ssm_cache_dtype", "float32");
  const bool proj_bias = r.BoolOr("mamba_proj_bias", false);
  const bool conv_bias = r.BoolOr("use_conv_bias", true);
  const bool attn_bias = r.BoolOr("attention_bias", false);
  const bool mlp_bias = r.BoolOr("mlp_bias", false);
  const int64_t dense_inter = has('-') ? r.Positive("intermediate_size") : 0;
  const int64_t experts = has('E') ? r.Positive("n_routed_experts") : 0;
  const int64_t top_k = has('E') ? r.Positive("num_experts_per_tok") : 0;
  if (has('E')) r.RequireAtMost("num_experts_per_tok", top_k, "n_routed_experts", experts);
  const int64_t expert_inter = has('E') ? r.Positive("moe_intermediate_size") : 0;
  const int64_t shared = r.NonNegativeOr("n_shared_experts", 0);
  const int64_t shared_inter = shared > 0 && has('E') ? r.Positive("moe_shared_expert_intermediate_size") : 0;
  if (!r.ok()) return r.error();
  auto sd = ParseDType(cache_dtype, "mamba_ssm_cache_dtype");
  if (!sd.ok())
    return Error::InvalidArgument(fmt::format("{}: {}", r.source(), sd.error().message), "mamba_ssm_cache_dtype");
  s.state_dtype = *sd;

  ModelSpec m = BaseSpec(d, "nemotron_h");
  if (has('M')) m.mamba2 = s;
  const int64_t h = d.hidden;
  // ReLU^2 MLPs are not gated: up and down projections only.
  const auto relu2 = [&](int64_t inter) { return 2 * h * inter + (mlp_bias ? inter + h : 0); };
  for (const char c : pattern) {
    LayerSpec l{.mixer = MixerKind::kNone, .norm_params = h};
    if (c == 'M') {
      l.mixer = MixerKind::kMamba2;
      l.attention_params = Mamba2Params(s, h, proj_bias, conv_bias);
    } else if (c == '*') {
      l.mixer = MixerKind::kAttention;
      l.attention_params = GqaAttentionParams({.hidden = h,
                                               .heads = d.heads,
                                               .kv_heads = d.kv_heads,
                                               .head_dim = d.head_dim,
                                               .qkv_bias = attn_bias,
                                               .o_bias = attn_bias});
    } else if (c == 'E') {
      l.num_experts = static_cast<int>(experts);
      l.experts_per_token = static_cast<int>(top_k);
      l.expert_params = relu2(expert_inter);
      l.shared_expert_params = shared * relu2(shared_inter);
      l.router_params = h * experts + experts;  // gate + e_score_correction_bias
    } else {
      l.dense_mlp_params = relu2(dense_inter);
    }
    m.layers.push_back(l);
  }
  Assemble(m, d.vocab * h, d.tied ? 0 : d.vocab * h, h, 0);
  return m;
}

}  // namespace capplan::model_internal
