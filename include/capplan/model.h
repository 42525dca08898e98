// The model engine: a normalized architecture (ModelSpec) built from a Hugging Face config.json
// or from the few numbers a user knows (simple mode), and the exact accounting over it:
// parameters per component, weight bytes per precision, KV-cache bytes, FLOPs per token.
//
// Conventions (see docs/models.md and the domain primer):
//  - total: every weight, input embedding, LM head (unless tied) and vision tower included.
//  - active: what one text token uses: attention, dense MLPs, shared experts, k routed experts,
//    routers, norms, input embedding and LM head. ActiveParams(m, /*include_embedding=*/false)
//    leaves the input embedding out (OpenAI's and DeepSeek's convention).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capplan/dtype.h"
#include "capplan/error.h"
#include "capplan/units.h"

namespace capplan {

enum class InputMode { kConfig, kSimple };
enum class AttentionKind { kFull, kSliding, kChunked };
std::string_view AttentionKindName(AttentionKind k);  // "full", "sliding", "chunked"

/// Parameter counts (number of weights, not bytes) per component.
struct ParamBreakdown {
  int64_t embedding = 0;       // input token embedding
  int64_t attention = 0;       // q/k/v/o (or MLA projections), their biases, q/k norms, sinks
  int64_t dense_mlp = 0;       // MLPs of dense layers
  int64_t routed_experts = 0;  // all routed experts (for active: the k used by one token)
  int64_t shared_experts = 0;
  int64_t router = 0;          // gate projections (and their biases / correction biases)
  int64_t norms = 0;           // layer norms and the final norm
  int64_t lm_head = 0;         // 0 when tied to the input embedding
  int64_t vision = 0;          // vision encoder + projector (not used by text tokens)
  int64_t Total() const {
    return embedding + attention + dense_mlp + routed_experts + shared_experts + router + norms + lm_head + vision;
  }
  friend bool operator==(const ParamBreakdown&, const ParamBreakdown&) = default;
};

/// Attention geometry shared by all layers.
struct AttentionSpec {
  int num_heads = 0;
  int num_kv_heads = 0;  // for MLA: equals num_heads (no KV-head sharding of the latent)
  int head_dim = 0;      // q/k head dim for GQA; for MLA qk_nope_head_dim + qk_rope_head_dim
  bool mla = false;      // multi-head latent attention (DeepSeek-V3 / Kimi K2)
  int kv_lora_rank = 0;  // MLA only
  int qk_rope_head_dim = 0;
  int qk_nope_head_dim = 0;
  int v_head_dim = 0;    // value head dim (MLA); equals head_dim otherwise
  int q_lora_rank = 0;   // 0 when the config has null (direct q projection)
  friend bool operator==(const AttentionSpec&, const AttentionSpec&) = default;
};

/// One decoder layer, as the memory and performance models see it.
struct LayerSpec {
  AttentionKind attention = AttentionKind::kFull;
  int64_t window = 0;                // tokens a sequence keeps for sliding/chunked layers; 0 for full
  int64_t attention_params = 0;
  int64_t dense_mlp_params = 0;      // 0 on MoE layers
  int num_experts = 0;               // routed experts (0 on dense layers)
  int experts_per_token = 0;         // top-k
  int64_t expert_params = 0;         // ONE routed expert
  int64_t shared_expert_params = 0;  // all shared experts of the layer together
  int64_t router_params = 0;
  int64_t norm_params = 0;
  bool is_moe() const { return num_experts > 0; }
  friend bool operator==(const LayerSpec&, const LayerSpec&) = default;
};

/// The checkpoint's own mixed precision (from quantization_config), the default weights
/// precision for such a model: gpt-oss stores routed experts in MXFP4 and the rest in BF16;
/// DeepSeek-V3 stores linear layers in FP8 with 128x128 block scales, embeddings/norms in BF16.
struct NativePrecision {
  DType base = DType::kBF16;                 // torch_dtype of everything not listed below
  std::optional<DType> routed_experts;       // e.g. MXFP4 (gpt-oss)
  std::optional<DType> linear;               // e.g. FP8 for every linear layer (DeepSeek)
  std::string description;                   // "MXFP4 experts (quantization_config.quant_method=mxfp4), BF16 rest"
  friend bool operator==(const NativePrecision&, const NativePrecision&) = default;
};

struct ModelSpec {
  std::string name;      // preset name or file name
  std::string family;    // model_type as read ("llama4", "deepseek_v3", ...), "simple" for simple mode
  std::string source;    // file path, "preset:NAME" or "simple input"
  InputMode mode = InputMode::kConfig;
  int64_t hidden_size = 0;
  int64_t vocab_size = 0;
  int64_t max_context = 0;  // max_position_embeddings
  bool tied_embeddings = false;
  AttentionSpec attention;
  std::vector<LayerSpec> layers;
  ParamBreakdown params;    // totals over the whole model
  NativePrecision native;
  int64_t mtp_params = 0;   // DeepSeek multi-token-prediction layers: extra, not in params (see primer)
  /// What this input mode cannot know, shown beside every result (simple mode, missing fields).
  std::vector<std::string> limitations;
  friend bool operator==(const ModelSpec&, const ModelSpec&) = default;
};

// ---- Loading ---------------------------------------------------------------------------------

/// Parses a Hugging Face config.json. `source_name` names the file in error messages:
/// "config.json: num_key_value_heads=3 does not divide num_attention_heads=32".
/// Families: llama, mistral, qwen2, qwen3, mixtral, qwen3_moe, deepseek_v3, kimi_k2, glm4_moe,
/// gpt_oss, dbrx, llama4 (+ llama4_text); a nested text_config is followed.
Result<ModelSpec> ParseHfConfig(std::string_view json_text, std::string_view source_name);

/// A preset name ("llama-4-scout") or a path to a config.json.
Result<ModelSpec> LoadModel(std::string_view name_or_path);

struct PresetInfo {
  std::string name;      // short name, e.g. "llama-4-scout"
  std::string hf_id;     // "meta-llama/Llama-4-Scout-17B-16E-Instruct"
  std::string official;  // the publisher's stated size, e.g. "109B total / 17B active"
};
const std::vector<PresetInfo>& ListPresets();
Result<ModelSpec> LoadPreset(std::string_view name);

/// Simple mode: the numbers an MoE panel of a web calculator takes. Dense when num_experts == 0.
struct SimpleModelInput {
  std::optional<double> total_params;  // may be left out: then sized as if active were total (warned)
  double active_params = 0;            // per token, input embedding included
  int num_layers = 0;
  int num_kv_heads = 0;
  int head_dim = 0;
  int num_experts = 0;
  int experts_per_token = 0;
  std::optional<int> hidden_size;      // estimated from the others when absent
  std::optional<int> vocab_size;       // default 128,000
};
Result<ModelSpec> BuildSimpleModel(const SimpleModelInput& in);

// ---- Accounting (pure functions) -------------------------------------------------------------

int64_t TotalParams(const ModelSpec& m);
/// Parameters one text token uses, per component (routed_experts = k experts per MoE layer; vision 0).
ParamBreakdown ActiveParamBreakdown(const ModelSpec& m, bool include_embedding);
int64_t ActiveParams(const ModelSpec& m, bool include_embedding = true);

/// Weights precision per component. Unset fields fall back to `base`.
struct WeightPrecision {
  DType base = DType::kBF16;
  std::optional<DType> routed_experts;
  std::optional<DType> linear;  // attention/MLP/shared/router projections
  /// Embedding, LM head and norms stay in `base` unless `quantize_embeddings`.
  bool quantize_embeddings = false;
};
/// The model's own scheme (NativePrecision) as a WeightPrecision.
WeightPrecision NativeWeightPrecision(const ModelSpec& m);
/// A uniform precision for the linear layers (embeddings, LM head and norms kept in BF16, as
/// quantizers such as ModelOpt and llm-compressor do).
WeightPrecision UniformWeightPrecision(DType t);

struct WeightBytes {
  Bytes embedding, attention, dense_mlp, routed_experts, shared_experts, router, norms, lm_head, vision;
  Bytes Total() const {
    return embedding + attention + dense_mlp + routed_experts + shared_experts + router + norms + lm_head + vision;
  }
};
WeightBytes WeightBytesOf(const ModelSpec& m, const WeightPrecision& p);

/// KV elements one token stores in one layer: 2 x kv_heads x head_dim (GQA/MHA), or
/// kv_lora_rank + qk_rope_head_dim (MLA).
int64_t KvElementsPerTokenPerLayer(const ModelSpec& m);

/// Per-token KV bytes, every layer holding full context (the number without per-layer-type allocation).
Bytes KvBytesPerToken(const ModelSpec& m, DType kv);

struct KvByLayerKind {
  AttentionKind kind;
  int num_layers;
  int64_t window;       // 0 for full
  Bytes bytes_per_token;  // for all layers of this kind together
};
std::vector<KvByLayerKind> KvBytesPerTokenByLayerKind(const ModelSpec& m, DType kv);

/// KV bytes one sequence of `context` tokens holds. With per-layer-type allocation (vLLM's hybrid
/// KV-cache manager) sliding and chunked layers keep at most `window` tokens; without it every
/// layer keeps the full context.
Bytes KvBytesPerSequence(const ModelSpec& m, int64_t context, DType kv, bool per_layer_type);

/// FLOPs of one token's forward pass at `context` tokens of visible history.
struct FlopsPerToken {
  Flops linear;     // 2 x active parameters without the input embedding (a lookup, not a matmul)
  Flops attention;  // QK^T and AV over the visible context of each layer (windows respected)
  Flops Total() const { return linear + attention; }
};
FlopsPerToken FlopsPerTokenAt(const ModelSpec& m, int64_t context);

}  // namespace capplan
