// Mixture-of-experts families without MLA: mixtral, qwen3_moe, gpt_oss, dbrx.
#include <fmt/format.h>

#include <algorithm>

#include "model/builder.h"
#include "model/families.h"

namespace capplan::model_internal {

Result<ModelSpec> ParseMixtralFamily(ConfigReader& r, const std::string& family) {
  const CommonDims d = ReadCommonDims(r);
  const bool qwen = family == "qwen3_moe";
  const char* experts_key = qwen ? "num_experts" : "num_local_experts";
  const int64_t experts = r.Positive(experts_key);
  const int64_t top_k = r.Positive("num_experts_per_tok");
  r.RequireAtMost("num_experts_per_tok", top_k, experts_key, experts);
  // Mixtral experts are intermediate_size wide; Qwen3-MoE experts moe_intermediate_size, with
  // intermediate_size for the dense (mlp_only) layers.
  const int64_t expert_inter = qwen ? r.Positive("moe_intermediate_size") : r.Positive("intermediate_size");
  const int64_t sparse_step = qwen ? r.PositiveOr("decoder_sparse_step", 1) : 1;
  const std::vector<int64_t> mlp_only = qwen ? r.IntList("mlp_only_layers") : std::vector<int64_t>{};
  const bool has_dense_layers = !mlp_only.empty() || sparse_step > 1;
  const int64_t dense_inter = has_dense_layers ? r.Positive("intermediate_size") : 0;
  const bool attention_bias = r.BoolOr("attention_bias", false);
  int64_t window = 0;
  std::vector<AttentionKind> kinds(static_cast<size_t>(d.layers), AttentionKind::kFull);
  if (r.Has("layer_types")) {
    kinds = ReadLayerTypes(r, d.layers, AttentionKind::kFull);
    window = r.PositiveOr("sliding_window", 0);
  } else if (qwen) {
    if (r.BoolOr("use_sliding_window", false) && r.Has("sliding_window")) {
      window = r.Positive("sliding_window");
      for (int64_t i = r.NonNegativeOr("max_window_layers", 0); i < d.layers; ++i)
        kinds[static_cast<size_t>(i)] = AttentionKind::kSliding;
    }
  } else if (r.Has("sliding_window")) {
    window = r.Positive("sliding_window");
    std::fill(kinds.begin(), kinds.end(), AttentionKind::kSliding);
  }
  if (!r.ok()) return r.error();

  ModelSpec m = BaseSpec(d, family);
  const int64_t attn = GqaAttentionParams({.hidden = d.hidden,
                                           .heads = d.heads,
                                           .kv_heads = d.kv_heads,
                                           .head_dim = d.head_dim,
                                           .qkv_bias = attention_bias,
                                           .o_bias = attention_bias,
                                           .qk_norm = qwen});
  for (int64_t i = 0; i < d.layers; ++i) {
    const AttentionKind k = kinds[static_cast<size_t>(i)];
    LayerSpec l{
        .attention = k, .window = WindowFor(k, window, 0), .attention_params = attn, .norm_params = 2 * d.hidden};
    const bool dense = std::find(mlp_only.begin(), mlp_only.end(), i) != mlp_only.end() || (i + 1) % sparse_step != 0;
    if (dense) {
      l.dense_mlp_params = GatedMlpParams(d.hidden, dense_inter);
    } else {
      l.num_experts = static_cast<int>(experts);
      l.experts_per_token = static_cast<int>(top_k);
      l.expert_params = GatedMlpParams(d.hidden, expert_inter);
      l.router_params = d.hidden * experts;
    }
    m.layers.push_back(l);
  }
  Assemble(m, d.vocab * d.hidden, d.tied ? 0 : d.vocab * d.hidden, d.hidden, 0);
  return m;
}

// gpt-oss: alternating sliding (window sliding_window) and full attention layers, biases on
// q/k/v/o, one sink logit per head, a router with bias, experts with biases on the fused
// gate_up projection (2 x I x H + 2 x I) and the down projection (I x H + H).
Result<ModelSpec> ParseGptOss(ConfigReader& r) {
  const CommonDims d = ReadCommonDims(r);
  const int64_t experts = r.Positive("num_local_experts");
  const char* k_key = r.Has("num_experts_per_tok") ? "num_experts_per_tok" : "experts_per_token";
  const int64_t top_k = r.Positive(k_key);
  r.RequireAtMost(k_key, top_k, "num_local_experts", experts);
  const int64_t inter = r.Positive("intermediate_size");
  const int64_t window = r.PositiveOr("sliding_window", 0);
  const bool bias = r.BoolOr("attention_bias", true);
  const auto kinds = ReadLayerTypes(r, d.layers, AttentionKind::kFull);
  std::string quant;
  if (r.IsObject("quantization_config")) quant = r.Nested("quantization_config").StringOr("quant_method", "");
  if (!r.ok()) return r.error();

  ModelSpec m = BaseSpec(d, "gpt_oss");
  if (quant == "mxfp4") {
    m.native.routed_experts = DType::kMXFP4;
    m.native.description = "MXFP4 routed experts (quantization_config.quant_method=mxfp4), BF16 rest";
  }
  const int64_t attn = GqaAttentionParams({.hidden = d.hidden,
                                           .heads = d.heads,
                                           .kv_heads = d.kv_heads,
                                           .head_dim = d.head_dim,
                                           .qkv_bias = bias,
                                           .o_bias = bias,
                                           .sinks = true});
  const int64_t expert = (2 * inter * d.hidden + 2 * inter) + (inter * d.hidden + d.hidden);
  for (const AttentionKind k : kinds) {
    m.layers.push_back({.attention = k,
                        .window = WindowFor(k, window, 0),
                        .attention_params = attn,
                        .num_experts = static_cast<int>(experts),
                        .experts_per_token = static_cast<int>(top_k),
                        .expert_params = expert,
                        .router_params = d.hidden * experts + experts,
                        .norm_params = 2 * d.hidden});
  }
  Assemble(m, d.vocab * d.hidden, d.tied ? 0 : d.vocab * d.hidden, d.hidden, 0);
  return m;
}

// DBRX: its own spellings (d_model, n_heads, n_layers, attn_config.kv_n_heads,
// ffn_config.ffn_hidden_size / moe_num_experts / moe_top_k), a fused Wqkv without bias, and
// LayerNorms without bias (one weight vector of d_model each).
Result<ModelSpec> ParseDbrx(ConfigReader& r) {
  CommonDims d;
  d.hidden = r.Positive("d_model");
  d.layers = r.Positive("n_layers");
  d.heads = r.Positive("n_heads");
  d.vocab = r.Positive("vocab_size");
  d.max_context = r.PositiveOr("max_seq_len", 0);
  d.tied = r.BoolOr("tie_word_embeddings", false);
  d.torch_dtype = r.StringOr("torch_dtype", "bfloat16");
  if (!r.IsObject("attn_config")) r.Fail("attn_config", "must be an object");
  if (!r.IsObject("ffn_config")) r.Fail("ffn_config", "must be an object");
  if (!r.ok()) return r.error();
  ConfigReader attn_cfg = r.Nested("attn_config");
  ConfigReader ffn_cfg = r.Nested("ffn_config");
  d.kv_heads = attn_cfg.PositiveOr("kv_n_heads", d.heads);
  const int64_t inter = ffn_cfg.Positive("ffn_hidden_size");
  const int64_t experts = ffn_cfg.Positive("moe_num_experts");
  const int64_t top_k = ffn_cfg.Positive("moe_top_k");
  ffn_cfg.RequireAtMost("moe_top_k", top_k, "moe_num_experts", experts);
  r.RequireDivides("n_heads", d.heads, "d_model", d.hidden);
  if (!r.ok()) return r.error();
  if (d.heads % d.kv_heads != 0)
    return Error::InvalidArgument(
        fmt::format("{}: attn_config.kv_n_heads={} does not divide n_heads={}", r.source(), d.kv_heads, d.heads),
        "attn_config.kv_n_heads");
  d.head_dim = d.hidden / d.heads;

  ModelSpec m = BaseSpec(d, "dbrx");
  const int64_t attn =
      GqaAttentionParams({.hidden = d.hidden, .heads = d.heads, .kv_heads = d.kv_heads, .head_dim = d.head_dim});
  for (int64_t i = 0; i < d.layers; ++i) {
    m.layers.push_back({.attention_params = attn,
                        .num_experts = static_cast<int>(experts),
                        .experts_per_token = static_cast<int>(top_k),
                        .expert_params = GatedMlpParams(d.hidden, inter),
                        .router_params = d.hidden * experts,
                        .norm_params = 2 * d.hidden});
  }
  Assemble(m, d.vocab * d.hidden, d.tied ? 0 : d.vocab * d.hidden, d.hidden, 0);
  return m;
}

}  // namespace capplan::model_internal
