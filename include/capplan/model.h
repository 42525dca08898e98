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

#include <array>
#include <cstddef>
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

/// What mixes tokens in a layer: softmax attention (KV per token), a recurrent layer with a
/// fixed-size state per sequence (Gated DeltaNet, Mamba-2), or nothing (Nemotron-H's MoE/MLP-only
/// blocks).
enum class MixerKind { kAttention, kGatedDeltaNet, kMamba2, kNone };
std::string_view MixerKindName(MixerKind k);  // "attention", "gated_deltanet", "mamba2", "none"

/// The weight components, one field each of ParamBreakdown and WeightBytes (same names, same order).
/// Every place that lists the components iterates kWeightComponents through WeightComponentOf.
enum class WeightComponent {
  kEmbedding,
  kAttention,
  kDenseMlp,
  kRoutedExperts,
  kSharedExperts,
  kRouter,
  kNorms,
  kLmHead,
  kVision,
};
inline constexpr std::array<WeightComponent, 9> kWeightComponents = {
    WeightComponent::kEmbedding,     WeightComponent::kAttention,     WeightComponent::kDenseMlp,
    WeightComponent::kRoutedExperts, WeightComponent::kSharedExperts, WeightComponent::kRouter,
    WeightComponent::kNorms,         WeightComponent::kLmHead,        WeightComponent::kVision};
/// The component's field name: "embedding", "attention", "dense_mlp", "routed_experts", "shared_experts",
/// "router", "norms", "lm_head", "vision".
std::string_view WeightComponentName(WeightComponent c);
/// Position of `c` in kWeightComponents, for arrays indexed by component.
constexpr std::size_t IndexOf(WeightComponent c) { return static_cast<std::size_t>(c); }

/// The field of `b` (a ParamBreakdown or a WeightBytes, const or not) that holds component `c`.
template <class Breakdown>
constexpr auto& WeightComponentOf(Breakdown& b, WeightComponent c) {
  switch (c) {
    case WeightComponent::kEmbedding:
      return b.embedding;
    case WeightComponent::kAttention:
      return b.attention;
    case WeightComponent::kDenseMlp:
      return b.dense_mlp;
    case WeightComponent::kRoutedExperts:
      return b.routed_experts;
    case WeightComponent::kSharedExperts:
      return b.shared_experts;
    case WeightComponent::kRouter:
      return b.router;
    case WeightComponent::kNorms:
      return b.norms;
    case WeightComponent::kLmHead:
      return b.lm_head;
    case WeightComponent::kVision:
      break;
  }
  return b.vision;
}

/// Parameter counts (number of weights, not bytes) per component.
struct ParamBreakdown {
  int64_t embedding = 0;       // input token embedding
  int64_t attention = 0;       // q/k/v/o (or MLA projections), their biases, q/k norms, sinks
  int64_t dense_mlp = 0;       // MLPs of dense layers
  int64_t routed_experts = 0;  // all routed experts (for active: the k used by one token)
  int64_t shared_experts = 0;
  int64_t router = 0;   // gate projections (and their biases / correction biases)
  int64_t norms = 0;    // layer norms and the final norm
  int64_t lm_head = 0;  // 0 when tied to the input embedding
  int64_t vision = 0;   // vision encoder + projector (not used by text tokens)
  int64_t Total() const {
    int64_t total = 0;
    for (const WeightComponent c : kWeightComponents) total += WeightComponentOf(*this, c);
    return total;
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
  int v_head_dim = 0;   // value head dim (MLA); equals head_dim otherwise
  int q_lora_rank = 0;  // 0 when the config has null (direct q projection)
  friend bool operator==(const AttentionSpec&, const AttentionSpec&) = default;
};

/// KV geometry of a layer whose attention differs from ModelSpec::attention (Gemma 4's global
/// layers: other KV heads and head dim, keys reused as values).
struct LayerKvShape {
  int num_kv_heads = 0;
  int head_dim = 0;
  bool k_eq_v = false;  // one tensor serves as key and value: one head_dim per KV head cached
  friend bool operator==(const LayerKvShape&, const LayerKvShape&) = default;
};

/// One decoder layer, as the memory and performance models see it.
struct LayerSpec {
  MixerKind mixer = MixerKind::kAttention;
  std::optional<LayerKvShape> kv_shape = std::nullopt;  // unset: ModelSpec::attention
  bool sparse_index = false;  // DeepSeek Sparse Attention indexer on this layer (ModelSpec::sparse_index)
  /// DeepSeek-V4 compressed attention: besides `window` raw tokens the layer keeps one KV entry
  /// per `compress_ratio` tokens (0: no compression). Its indexer, if any, scores those entries.
  int compress_ratio = 0;
  AttentionKind attention = AttentionKind::kFull;
  int64_t window = 0;  // tokens a sequence keeps for sliding/chunked layers; 0 for full
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
  DType base = DType::kBF16;            // torch_dtype of everything not listed below
  std::optional<DType> routed_experts;  // e.g. MXFP4 (gpt-oss)
  std::optional<DType> linear;          // e.g. FP8 for every linear layer (DeepSeek)
  std::string description;              // "MXFP4 experts (quantization_config.quant_method=mxfp4), BF16 rest"
  friend bool operator==(const NativePrecision&, const NativePrecision&) = default;
};

/// Gated DeltaNet (Qwen3-Next / Qwen3.5 linear_attention layers): one dk x dv state matrix per
/// value head plus a depthwise causal convolution over q, k and v.
struct GatedDeltaNetSpec {
  int num_key_heads = 0;    // linear_num_key_heads
  int num_value_heads = 0;  // linear_num_value_heads
  int key_head_dim = 0;
  int value_head_dim = 0;
  int conv_kernel = 0;               // linear_conv_kernel_dim
  DType state_dtype = DType::kFP32;  // mamba_ssm_dtype
  friend bool operator==(const GatedDeltaNetSpec&, const GatedDeltaNetSpec&) = default;
};

/// Mamba-2 (Nemotron-H `M` layers): d_inner = num_heads x head_dim, an SSM state of
/// head_dim x state_size per head, a causal convolution over x, B and C.
struct Mamba2Spec {
  int num_heads = 0;   // mamba_num_heads
  int head_dim = 0;    // mamba_head_dim
  int state_size = 0;  // ssm_state_size
  int n_groups = 0;
  int conv_kernel = 0;
  DType state_dtype = DType::kFP32;  // mamba_ssm_cache_dtype
  friend bool operator==(const Mamba2Spec&, const Mamba2Spec&) = default;
};

/// DeepSeek Sparse Attention's lightning indexer (deepseek_v32, glm_moe_dsa, deepseek_v4).
struct SparseIndexSpec {
  int num_heads = 0;  // index_n_heads
  int head_dim = 0;   // index_head_dim
  int topk = 0;       // index_topk: tokens each query attends to
  friend bool operator==(const SparseIndexSpec&, const SparseIndexSpec&) = default;
};

struct ModelSpec {
  std::string name;    // preset name or file name
  std::string family;  // model_type as read ("llama4", "deepseek_v3", ...), "simple" for simple mode
  std::string source;  // file path, "preset:NAME" or "simple input"
  InputMode mode = InputMode::kConfig;
  int64_t hidden_size = 0;
  int64_t vocab_size = 0;
  int64_t max_context = 0;  // max_position_embeddings
  bool tied_embeddings = false;
  AttentionSpec attention;
  std::vector<LayerSpec> layers;
  ParamBreakdown params;  // totals over the whole model
  NativePrecision native;
  int64_t mtp_params = 0;  // DeepSeek multi-token-prediction layers: extra, not in params (see primer)
  std::optional<GatedDeltaNetSpec> gated_delta_net = std::nullopt;  // set when some layer is MixerKind::kGatedDeltaNet
  std::optional<Mamba2Spec> mamba2 = std::nullopt;                  // set when some layer is MixerKind::kMamba2
  std::optional<SparseIndexSpec> sparse_index = std::nullopt;       // set when some layer has sparse_index
  /// The checkpoint's own KV-cache scheme (kv_cache_quant_algo of hf_quant_config.json, or the
  /// quantization_config's kv_cache_scheme); unset: the activation dtype. `--kv-dtype auto` uses it.
  std::optional<DType> native_kv = std::nullopt;
  std::string native_kv_source;  // where native_kv was read, shown beside the choice
  /// What this input mode cannot know, shown beside every result (simple mode, missing fields).
  std::vector<std::string> limitations;
  friend bool operator==(const ModelSpec&, const ModelSpec&) = default;
};

// ---- Loading ---------------------------------------------------------------------------------

/// Parses a Hugging Face config.json. `source_name` names the file in error messages:
/// "config.json: num_key_value_heads=3 does not divide num_attention_heads=32".
/// Families: llama, mistral, qwen2, qwen3, mixtral, qwen3_moe, deepseek_v3, kimi_k2, glm4_moe,
/// gpt_oss, dbrx, llama4 (+ llama4_text), qwen3_5_moe, minimax_m2, deepseek_v32, glm_moe_dsa,
/// deepseek_v4, gemma4, nemotron_h; a nested text_config is followed (the ForConditionalGeneration
/// wrappers).
Result<ModelSpec> ParseHfConfig(std::string_view json_text, std::string_view source_name);
/// The same, with a ModelOpt hf_quant_config.json published beside the config (its quantization
/// and kv_cache_quant_algo take precedence over the config's quantization_config).
struct QuantConfigText {
  std::string text;
  std::string source;  // file name for messages
};
Result<ModelSpec> ParseHfConfig(std::string_view json_text, std::string_view source_name,
                                const std::optional<QuantConfigText>& hf_quant);

/// A preset name or alias ("llama-4-scout", "scout") or a path to a config.json; a ModelOpt
/// hf_quant_config.json in the same folder (or NAME.hf_quant_config.json beside NAME.json) is
/// read with it.
Result<ModelSpec> LoadModel(std::string_view name_or_path);

struct PresetInfo {
  std::string name;                  // short name, e.g. "llama-4-scout"
  std::string hf_id;                 // "meta-llama/Llama-4-Scout-17B-16E-Instruct"
  std::string official;              // the publisher's stated size, e.g. "109B total / 17B active"
  std::vector<std::string> aliases;  // other names it answers to ("scout")
};
const std::vector<PresetInfo>& ListPresets();
/// The preset a name or alias stands for (case-insensitive), or nullopt.
std::optional<std::string> ResolvePresetName(std::string_view name_or_alias);
/// A preset by name or alias; the spec carries the preset's name. A ModelOpt hf_quant_config.json
/// shipped beside the preset (data/models/NAME.hf_quant_config.json) is read with it.
Result<ModelSpec> LoadPreset(std::string_view name);

/// Simple mode: the numbers an MoE panel of a web calculator takes. Dense when num_experts == 0.
struct SimpleModelInput {
  std::optional<double> total_params = std::nullopt;  // may be left out: then sized as if active were total (warned)
  double active_params = 0;                           // per token, input embedding included
  int num_layers = 0;
  int num_kv_heads = 0;
  int head_dim = 0;
  int num_experts = 0;
  int experts_per_token = 0;
  std::optional<int> hidden_size = std::nullopt;  // estimated from the others when absent
  std::optional<int> vocab_size = std::nullopt;   // default 128,000
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
/// `--kv-dtype auto`, as vLLM's `--kv-cache-dtype auto` reads a checkpoint: its own KV scheme
/// (kv_cache_quant_algo / kv_cache_scheme) when it has one, else its 16-bit activation dtype.
DType AutoKvDtype(const ModelSpec& m);
/// Where AutoKvDtype's answer comes from, for the line printed beside the choice.
std::string AutoKvDtypeSource(const ModelSpec& m);
/// The model's own scheme (NativePrecision) as a WeightPrecision.
WeightPrecision NativeWeightPrecision(const ModelSpec& m);
/// A uniform precision for the linear layers (embeddings, LM head and norms kept in BF16, as
/// quantizers such as ModelOpt and llm-compressor do).
WeightPrecision UniformWeightPrecision(DType t);
/// True when any layer routes tokens to experts (LayerSpec::is_moe): the one "is this model MoE" test.
bool HasMoeLayers(const ModelSpec& m);

struct WeightBytes {
  Bytes embedding, attention, dense_mlp, routed_experts, shared_experts, router, norms, lm_head, vision;
  Bytes Total() const {
    Bytes total;
    for (const WeightComponent c : kWeightComponents) total += WeightComponentOf(*this, c);
    return total;
  }
};
WeightBytes WeightBytesOf(const ModelSpec& m, const WeightPrecision& p);

/// KV elements one token stores in one layer: 2 x kv_heads x head_dim (GQA/MHA), or
/// kv_lora_rank + qk_rope_head_dim (MLA).
int64_t KvElementsPerTokenPerLayer(const ModelSpec& m);

/// KV heads one of `tp` tensor-parallel ranks holds: kv_heads / tp, one whole head (replicated, as vLLM does) when
/// tp exceeds them; 0 without KV heads. The one KV-per-rank rule (ValidateLayout admits only a tp that divides
/// the KV heads or is a multiple of them).
int KvHeadsPerRank(int kv_heads, int tp);
/// KvElementsPerTokenPerLayer on one of `tp` ranks: the KvHeadsPerRank heads (GQA/MHA), or MLA's latent, which
/// every rank holds whole.
int64_t KvElementsPerTokenPerLayerPerRank(const ModelSpec& m, int tp);

/// Per-token KV bytes (indexer keys included), every attention layer holding full context (the
/// number without per-layer-type allocation). Recurrent layers hold no KV.
Bytes KvBytesPerToken(const ModelSpec& m, DType kv);

struct KvByLayerKind {
  AttentionKind kind;
  int num_layers;
  int64_t window;         // 0 for full
  Bytes bytes_per_token;  // for all layers of this kind together
};
std::vector<KvByLayerKind> KvBytesPerTokenByLayerKind(const ModelSpec& m, DType kv);

/// KV bytes (indexer keys included, recurrent state not: StateBytesPerSequence) one sequence of
/// `context` tokens holds. With per-layer-type allocation (vLLM's hybrid
/// KV-cache manager) sliding and chunked layers keep at most `window` tokens; without it every
/// layer keeps the full context.
Bytes KvBytesPerSequence(const ModelSpec& m, int64_t context, DType kv, bool per_layer_type);

// ---- Per-layer cache and state (the 2026 families) -------------------------------------------
// Each function answers for one layer on one of `tp` tensor-parallel GPUs (heads split across
// ranks, one whole head kept when tp exceeds them; MLA latents and indexer keys replicated, as vLLM
// does). tp = 1 is the whole layer.

/// KV elements one token stores in layer `l`: 0 for recurrent and mixer-less layers; the layer's
/// own KvShape when set (k_eq_v: keys only); otherwise KvElementsPerTokenPerLayer's geometry.
int64_t KvElementsPerTokenOfLayer(const ModelSpec& m, const LayerSpec& l, int tp = 1);

/// KV entries one sequence keeps in layer `l` at `context` tokens: `context` (full attention, or
/// any layer without per-layer-type allocation), min(context, window) for sliding and chunked
/// layers, plus ceil(context / compress_ratio) for compressed layers. 0 for recurrent layers.
int64_t KvEntriesOfLayer(const LayerSpec& l, int64_t context, bool per_layer_type);
/// Indexer keys one sequence keeps in layer `l`: one per context token, or per compressed entry.
int64_t IndexerEntriesOfLayer(const ModelSpec& m, const LayerSpec& l, int64_t context);

/// Indexer key bytes one token stores in a DeepSeek-Sparse-Attention layer: index_head_dim FP8
/// values plus one FP32 scale per 128 (vLLM's indexer cache: 128 + 4 = 132 B); 0 elsewhere.
Bytes IndexerBytesPerTokenOfLayer(const ModelSpec& m, const LayerSpec& l);

/// The fixed-size state one sequence holds in a recurrent layer, whatever its context.
///   Gated DeltaNet: ssm = nv x dk x dv in the state dtype; conv = (2 nk dk + nv dv) x (w - 1).
///   Mamba-2: ssm = h x p x n in the cache dtype; conv = (h p + 2 g n) x (w - 1).
/// The convolution state is in `activation` (the model's dtype). Zero for other layers.
struct RecurrentState {
  Bytes ssm;
  Bytes conv;
  Bytes Total() const { return ssm + conv; }
};
RecurrentState RecurrentStateOfLayer(const ModelSpec& m, const LayerSpec& l, int tp = 1,
                                     DType activation = DType::kBF16);
/// Recurrent state of one sequence over all layers (tp = 1).
Bytes StateBytesPerSequence(const ModelSpec& m);

/// KV entries one decode query attends to in layer `l`: min(context, window), or with a sparse
/// indexer its top-k (of the compressed entries, plus the raw window, on DeepSeek-V4).
int64_t AttendedEntriesOfLayer(const ModelSpec& m, const LayerSpec& l, int64_t context);

/// Cache bytes one sequence moves in layer `l` in one decode step at `context` tokens:
///   attention: KV of min(context, window) tokens, or of min(context, index_topk) tokens with a
///     sparse indexer, plus the indexer keys of the whole context (its scan);
///   recurrent: the state read and written once (2 x state), independent of context.
Bytes DecodeCacheBytesPerSequence(const ModelSpec& m, const LayerSpec& l, int64_t context, DType kv, int tp = 1);

/// Token-mixing FLOPs one token spends in layer `l` at `context` tokens of history (the part that
/// is not a weight matmul): QK^T and AV over the visible (or top-k selected) tokens, the
/// indexer's scoring of every context token (2 x index heads x index_head_dim per token), or the
/// recurrent update: Gated DeltaNet 7 x nv x dk x dv (decay, S^T k, rank-1 update, S^T q), Mamba-2
/// 5 x h x p x n (decay, B x update, C read-out).
Flops MixerFlopsPerToken(const ModelSpec& m, const LayerSpec& l, int64_t context);

/// Per-sequence memory by layer kind, for reports: KV and indexer bytes per token (grow with
/// context) and state bytes per sequence (constant).
struct SequenceMemoryByKind {
  std::string kind;  // "full attention", "sliding attention (window 1024)", "gated_deltanet", ...
  int num_layers = 0;
  Bytes kv_per_token{};        // all layers of the kind together, indexer keys included
  Bytes state_per_sequence{};  // all layers of the kind together
};
std::vector<SequenceMemoryByKind> SequenceMemoryByLayerKind(const ModelSpec& m, DType kv);

/// FLOPs of one token's forward pass at `context` tokens of visible history.
struct FlopsPerToken {
  Flops linear;     // 2 x active parameters without the input embedding (a lookup, not a matmul)
  Flops attention;  // MixerFlopsPerToken over the layers: attention, indexer, recurrent updates
  Flops Total() const { return linear + attention; }
};
FlopsPerToken FlopsPerTokenAt(const ModelSpec& m, int64_t context);

}  // namespace capplan
