// DeepSeek-style MoE: deepseek_v3 and kimi_k2 with multi-head latent attention (MLA), glm4_moe
// with GQA. Shared by all three: first_k_dense_replace dense layers of intermediate_size, then
// MoE layers of n_routed_experts (moe_intermediate_size) plus n_shared_experts, a router of
// n_routed_experts x hidden with an e_score_correction_bias of n_routed_experts, and
// num_nextn_predict_layers multi-token-prediction (MTP) modules counted in mtp_params only.
#include <fmt/format.h>

#include "model/builder.h"
#include "model/families.h"

namespace capplan::model_internal {

namespace {

struct MoeDims {
  int64_t dense_inter = 0;
  int64_t expert_inter = 0;
  int64_t routed = 0;
  int64_t shared = 0;
  int64_t top_k = 0;
  int64_t first_dense = 0;
  int64_t layer_freq = 1;
  int64_t mtp_layers = 0;
  bool correction_bias = true;
};

MoeDims ReadMoeDims(ConfigReader& r, bool correction_bias_default) {
  MoeDims d;
  d.dense_inter = r.Positive("intermediate_size");
  d.expert_inter = r.Positive("moe_intermediate_size");
  d.routed = r.Positive("n_routed_experts");
  d.shared = r.NonNegativeOr("n_shared_experts", 0);
  d.top_k = r.Positive("num_experts_per_tok");
  r.RequireAtMost("num_experts_per_tok", d.top_k, "n_routed_experts", d.routed);
  d.first_dense = r.NonNegativeOr("first_k_dense_replace", 0);
  d.layer_freq = r.PositiveOr("moe_layer_freq", 1);
  d.mtp_layers = r.NonNegativeOr("num_nextn_predict_layers", 0);
  // DeepSeek-V3 / Kimi K2 route with topk_method noaux_tc, which adds the correction bias;
  // GLM-4.5/4.7 always has it.
  d.correction_bias = r.Has("topk_method") ? r.StringOr("topk_method", "") == "noaux_tc" : correction_bias_default;
  return d;
}

// Builds the layers once attention per layer is known; returns one MoE layer for MTP accounting.
LayerSpec AddMoeLayers(ModelSpec& m, const MoeDims& d, int64_t layers, int64_t attention, int64_t hidden) {
  LayerSpec moe{.attention_params = attention,
                .num_experts = static_cast<int>(d.routed),
                .experts_per_token = static_cast<int>(d.top_k),
                .expert_params = GatedMlpParams(hidden, d.expert_inter),
                .shared_expert_params = d.shared * GatedMlpParams(hidden, d.expert_inter),
                .router_params = d.routed * hidden + (d.correction_bias ? d.routed : 0),
                .norm_params = 2 * hidden};
  for (int64_t i = 0; i < layers; ++i) {
    if (i >= d.first_dense && i % d.layer_freq == 0) {
      m.layers.push_back(moe);
    } else {
      m.layers.push_back({.attention_params = attention,
                          .dense_mlp_params = GatedMlpParams(hidden, d.dense_inter),
                          .norm_params = 2 * hidden});
    }
  }
  return moe;
}

// One MTP module: enorm + hnorm (hidden each), eh_proj (2 hidden -> hidden), one MoE decoder
// layer, and the shared head's norm. `own_embeddings` adds the copies of embed_tokens and
// shared_head.head that DeepSeek's published checkpoint stores per module (its 685B = 671B + 14B).
int64_t MtpParams(const LayerSpec& moe, int64_t hidden, int64_t vocab, bool own_embeddings) {
  const int64_t layer = moe.attention_params + moe.num_experts * moe.expert_params + moe.shared_expert_params +
                        moe.router_params + moe.norm_params;
  return 3 * hidden + 2 * hidden * hidden + layer + (own_embeddings ? 2 * vocab * hidden : 0);
}

std::string ReadQuantMethod(ConfigReader& r) {
  if (!r.IsObject("quantization_config")) return "";
  return r.Nested("quantization_config").StringOr("quant_method", "");
}

struct SparseIndexShape {
  std::optional<SparseIndexSpec> spec;
  std::vector<bool> on_layer;  // indexer_types: "full" on every layer unless listed otherwise
};

// DeepSeek Sparse Attention (deepseek_v32, glm_moe_dsa): index_n_heads, index_head_dim,
// index_topk, and GLM-5's per-layer indexer_types.
SparseIndexShape ReadSparseIndex(ConfigReader& r, int64_t layers, int64_t q_lora) {
  SparseIndexShape s;
  if (!r.Has("index_n_heads") && !r.Has("index_topk")) return s;
  s.spec = SparseIndexSpec{.num_heads = static_cast<int>(r.Positive("index_n_heads")),
                           .head_dim = static_cast<int>(r.Positive("index_head_dim")),
                           .topk = static_cast<int>(r.Positive("index_topk"))};
  if (q_lora <= 0) r.Fail("q_lora_rank", "must be set with a sparse indexer (its query projects from the q LoRA rank)");
  s.on_layer.assign(static_cast<size_t>(layers), true);
  const auto types = r.StringList("indexer_types");
  if (!types.empty() && static_cast<int64_t>(types.size()) != layers) {
    r.Fail("indexer_types", fmt::format("has {} entries but num_hidden_layers={}", types.size(), layers));
    return s;
  }
  for (const auto& t : types)
    if (t != "full") r.Fail("indexer_types", fmt::format("has unknown entry '{}' (expected full)", t));
  return s;
}

// Lightning indexer weights: wq_b (q LoRA rank -> heads x dim), wk (hidden -> dim), a LayerNorm
// on the key (weight and bias), weights_proj (hidden -> heads).
int64_t IndexerParams(const SparseIndexSpec& s, int64_t hidden, int64_t q_lora) {
  const int64_t width = static_cast<int64_t>(s.num_heads) * s.head_dim;
  return q_lora * width + hidden * s.head_dim + 2LL * s.head_dim + hidden * s.num_heads;
}

// GLM-5's mlp_layer_types ("dense" / "sparse" per layer); true = dense. Empty when absent.
std::vector<bool> ReadMlpLayerTypes(ConfigReader& r, int64_t layers) {
  std::vector<bool> dense;
  const auto types = r.StringList("mlp_layer_types");
  if (types.empty()) return dense;
  if (static_cast<int64_t>(types.size()) != layers) {
    r.Fail("mlp_layer_types", fmt::format("has {} entries but num_hidden_layers={}", types.size(), layers));
    return {};
  }
  for (const auto& t : types) {
    if (t != "dense" && t != "sparse")
      r.Fail("mlp_layer_types", fmt::format("has unknown entry '{}' (expected dense or sparse)", t));
    dense.push_back(t == "dense");
  }
  return dense;
}

}  // namespace

Result<ModelSpec> ParseDeepSeekFamily(ConfigReader& r, const std::string& family) {
  CommonDims d;
  d.hidden = r.Positive("hidden_size");
  d.layers = r.Positive("num_hidden_layers");
  d.heads = r.Positive("num_attention_heads");
  d.vocab = r.Positive("vocab_size");
  d.max_context = r.PositiveOr("max_position_embeddings", 0);
  d.tied = r.BoolOr("tie_word_embeddings", false);
  d.torch_dtype = r.StringOr("torch_dtype", r.StringOr("dtype", "bfloat16"));
  const int64_t q_lora = r.PositiveOr("q_lora_rank", 0);  // null: direct q_proj
  const int64_t kv_lora = r.Positive("kv_lora_rank");
  const int64_t nope = r.Positive("qk_nope_head_dim");
  const int64_t rope = r.Positive("qk_rope_head_dim");
  const int64_t v_dim = r.Positive("v_head_dim");
  const bool bias = r.BoolOr("attention_bias", false);
  const MoeDims moe = ReadMoeDims(r, false);
  const std::string quant = ReadQuantMethod(r);
  // GLM-5 spells the q/k head dim out; it must agree with its parts.
  if (r.Has("qk_head_dim") && r.Positive("qk_head_dim") != nope + rope)
    r.Fail("qk_head_dim", fmt::format("must equal qk_nope_head_dim + qk_rope_head_dim = {}", nope + rope));
  const SparseIndexShape index = ReadSparseIndex(r, d.layers, q_lora);
  const std::vector<bool> dense_layers = ReadMlpLayerTypes(r, d.layers);
  if (!r.ok()) return r.error();

  ModelSpec m = BaseSpec(d, family);
  m.attention = {.num_heads = static_cast<int>(d.heads),
                 .num_kv_heads = static_cast<int>(d.heads),
                 .head_dim = static_cast<int>(nope + rope),
                 .mla = true,
                 .kv_lora_rank = static_cast<int>(kv_lora),
                 .qk_rope_head_dim = static_cast<int>(rope),
                 .qk_nope_head_dim = static_cast<int>(nope),
                 .v_head_dim = static_cast<int>(v_dim),
                 .q_lora_rank = static_cast<int>(q_lora)};
  if (quant == "fp8") {
    m.native.linear = DType::kFP8;
    m.native.description =
        "FP8 linear layers with 128x128 block scales (quantization_config.quant_method=fp8); embedding, LM head "
        "and norms BF16";
  }
  const int64_t h = d.hidden;
  const int64_t q_dim = d.heads * (nope + rope);
  // q: q_a_proj (+bias) -> q_a_layernorm -> q_b_proj, or one q_proj when q_lora_rank is null.
  const int64_t q = q_lora > 0 ? h * q_lora + (bias ? q_lora : 0) + q_lora + q_lora * q_dim : h * q_dim;
  // kv: kv_a_proj_with_mqa (+bias) -> kv_a_layernorm -> kv_b_proj (k_nope and v for every head).
  const int64_t kv = h * (kv_lora + rope) + (bias ? kv_lora + rope : 0) + kv_lora + kv_lora * d.heads * (nope + v_dim);
  const int64_t o = d.heads * v_dim * h + (bias ? h : 0);
  const int64_t indexer = index.spec ? IndexerParams(*index.spec, h, q_lora) : 0;
  const LayerSpec moe_layer = AddMoeLayers(m, moe, d.layers, q + kv + o, h);
  for (size_t i = 0; i < m.layers.size(); ++i) {
    LayerSpec& l = m.layers[i];
    if (!dense_layers.empty() && dense_layers[i] != (l.num_experts == 0))
      return Error::InvalidArgument(
          fmt::format("{}: mlp_layer_types[{}] is '{}' but first_k_dense_replace={} makes layer {} {}", r.source(), i,
                      dense_layers[i] ? "dense" : "sparse", moe.first_dense, i, dense_layers[i] ? "MoE" : "dense"),
          "mlp_layer_types");
    if (index.spec && index.on_layer[i]) {
      l.sparse_index = true;
      l.attention_params += indexer;
    }
  }
  m.sparse_index = index.spec;
  LayerSpec mtp_layer = moe_layer;
  mtp_layer.attention_params += indexer;
  m.mtp_params = moe.mtp_layers * MtpParams(index.spec ? mtp_layer : moe_layer, h, d.vocab, /*own_embeddings=*/true);
  Assemble(m, d.vocab * h, d.tied ? 0 : d.vocab * h, h, 0);
  return m;
}

Result<ModelSpec> ParseGlm4Moe(ConfigReader& r) {
  const CommonDims d = ReadCommonDims(r);
  const bool bias = r.BoolOr("attention_bias", false);
  const bool qk_norm = r.BoolOr("use_qk_norm", false);
  const MoeDims moe = ReadMoeDims(r, true);
  if (!r.ok()) return r.error();

  ModelSpec m = BaseSpec(d, "glm4_moe");
  // Glm4MoeAttention: q/k/v carry attention_bias, o_proj never has a bias.
  const int64_t attn = GqaAttentionParams({.hidden = d.hidden,
                                           .heads = d.heads,
                                           .kv_heads = d.kv_heads,
                                           .head_dim = d.head_dim,
                                           .qkv_bias = bias,
                                           .qk_norm = qk_norm});
  const LayerSpec moe_layer = AddMoeLayers(m, moe, d.layers, attn, d.hidden);
  m.mtp_params = moe.mtp_layers * MtpParams(moe_layer, d.hidden, d.vocab, /*own_embeddings=*/false);
  Assemble(m, d.vocab * d.hidden, d.tied ? 0 : d.vocab * d.hidden, d.hidden, 0);
  return m;
}

}  // namespace capplan::model_internal
