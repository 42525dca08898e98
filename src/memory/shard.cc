#include "memory/shard.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "memory/engine_defaults.h"

namespace capplan {
namespace {

// A number per weight component, indexed by IndexOf.
using PerComponent = std::array<double, kWeightComponents.size()>;

double Ratio(Bytes b, int64_t params) { return params > 0 ? b.v / static_cast<double>(params) : 0; }

// Bytes per parameter of each component, as WeightBytesOf prices it (one dtype per component).
PerComponent PriceOf(const ModelSpec& m, const WeightPrecision& w) {
  const WeightBytes b = WeightBytesOf(m, w);
  PerComponent price{};
  for (const WeightComponent c : kWeightComponents)
    price[IndexOf(c)] = Ratio(WeightComponentOf(b, c), WeightComponentOf(m.params, c));
  return price;
}

// Attention parameters one TP rank holds in one layer.
double AttentionParamsPerRank(const ModelSpec& m, const LayerSpec& l, int tp) {
  const AttentionSpec& a = m.attention;
  const double total = static_cast<double>(l.attention_params);
  if (a.mla) {
    // q_a / kv_a down-projections are ReplicatedLinear in vLLM's DeepseekV2 attention.
    const double replicated =
        static_cast<double>(m.hidden_size) * (a.q_lora_rank + a.kv_lora_rank + a.qk_rope_head_dim);
    return std::min(total, replicated) + std::max(0.0, total - replicated) / tp;
  }
  // k/v projections: this rank's KV heads (whole heads replicated beyond them); the rest split by TP.
  const double kv_proj = 2.0 * static_cast<double>(m.hidden_size) * a.num_kv_heads * a.head_dim;
  const double kv_proj_per_rank =
      2.0 * static_cast<double>(m.hidden_size) * KvHeadsPerRank(a.num_kv_heads, tp) * a.head_dim;
  return (total - kv_proj) / tp + kv_proj_per_rank;
}

}  // namespace

std::vector<StageRange> PipelineStages(int num_layers, int pp) {
  std::vector<int> sizes(pp, num_layers / pp);
  for (int i = 2; i < num_layers % pp + 2; ++i) sizes[pp - i] += 1;
  std::vector<StageRange> out;
  int first = 0;
  for (int s : sizes) {
    out.push_back({.first_layer = first, .num_layers = s});
    first += s;
  }
  return out;
}

WeightBytes StageWeightsPerGpu(const ModelSpec& m, const WeightPrecision& w, const Parallelism& p,
                               const std::vector<StageRange>& stages, int stage) {
  const PerComponent price = PriceOf(m, w);
  const double tp = p.tp;
  const StageRange& r = stages[stage];
  PerComponent params{};  // this GPU's parameters of each component
  const auto at = [&params](WeightComponent c) -> double& { return params[IndexOf(c)]; };
  int64_t layer_norms_all = 0;
  for (const auto& l : m.layers) layer_norms_all += l.norm_params;
  for (int i = r.first_layer; i < r.first_layer + r.num_layers; ++i) {
    const LayerSpec& l = m.layers[i];
    at(WeightComponent::kAttention) += AttentionParamsPerRank(m, l, p.tp);
    at(WeightComponent::kDenseMlp) += l.dense_mlp_params / tp;
    // E expert groups x M shards per expert = T x A GPUs; EPLB's redundant copies ride on top.
    const int copies = l.num_experts > 0 ? l.num_experts + p.eplb_redundant : 0;
    at(WeightComponent::kRoutedExperts) += static_cast<double>(copies) * l.expert_params / p.GpusPerStage();
    at(WeightComponent::kSharedExperts) += l.shared_expert_params / tp;
    at(WeightComponent::kRouter) += l.router_params;
    at(WeightComponent::kNorms) += l.norm_params;
  }
  const bool first = stage == 0;
  const bool last = stage + 1 == static_cast<int>(stages.size());
  // The final norm is what m.params.norms holds beyond the layers' own norms.
  if (last) at(WeightComponent::kNorms) += static_cast<double>(m.params.norms - layer_norms_all);
  // VocabParallelEmbedding / ParallelLMHead split the vocabulary across TP.
  if (first) at(WeightComponent::kEmbedding) = m.params.embedding / tp;
  if (last) at(WeightComponent::kLmHead) = m.params.lm_head / tp;
  // The vision tower runs on the first stage; vLLM shards its linear layers by TP.
  if (first) at(WeightComponent::kVision) = m.params.vision / tp;
  WeightBytes b;
  for (const WeightComponent c : kWeightComponents)
    WeightComponentOf(b, c) = Bytes{params[IndexOf(c)] * price[IndexOf(c)]};
  return b;
}

namespace {

// Pages of one sequence in a model with recurrent layers. vLLM's hybrid KV-cache manager
// (vllm/model_executor/models/config.py, HybridAttentionMambaModelConfig) gives every layer pages
// of one size: the attention block grows to a multiple of the kernel block (16 tokens) whose page
// holds a whole recurrent state, and each recurrent layer's state page is padded to that size.
// SGLang and TensorRT-LLM keep state in a pool of its own, unpadded (docs/models.md).
struct PageRule {
  int64_t block_tokens = 16;
  Bytes state_page;  // bytes one recurrent layer's state takes per sequence; 0: unpadded
};

PageRule PagesFor(const ModelSpec& m, const Parallelism& p, DType kv, const EngineProfile& e) {
  PageRule r{.block_tokens = std::max(1, e.kv_block_tokens), .state_page = Bytes{}};
  Bytes state, attn_token;
  for (const LayerSpec& l : m.layers) {
    state = std::max(state, RecurrentStateOfLayer(m, l, p.tp).Total());
    attn_token =
        std::max(attn_token, Bytes{static_cast<double>(KvElementsPerTokenOfLayer(m, l, p.tp)) * BytesPerElement(kv)} +
                                 IndexerBytesPerTokenOfLayer(m, l));
  }
  if (!e.pads_recurrent_state_pages || state.v <= 0 || attn_token.v <= 0) return r;
  const double align = static_cast<double>(r.block_tokens);
  r.block_tokens = static_cast<int64_t>(align * std::ceil(state / (attn_token * align)));
  r.state_page = attn_token * static_cast<double>(r.block_tokens);
  return r;
}

}  // namespace

SequenceCache StageSequenceCache(const ModelSpec& m, const Parallelism& p, DType kv, const EngineProfile& e,
                                 const StageRange& stage, int64_t context) {
  const PageRule pages = PagesFor(m, p, kv, e);
  const int64_t block = pages.block_tokens;
  SequenceCache c;
  for (int i = stage.first_layer; i < stage.first_layer + stage.num_layers; ++i) {
    const LayerSpec& l = m.layers[i];
    // KV heads split across TP (one whole head kept when TP exceeds them); MLA latents and indexer
    // keys replicated on every rank, as vLLM does.
    const int64_t entries = KvEntriesOfLayer(l, context, e.per_layer_type_kv);
    const int64_t keys = IndexerEntriesOfLayer(m, l, context);
    const auto paged = [&](int64_t n) {
      const int64_t pages = (n + block - 1) / block;  // whole blocks
      return static_cast<double>(pages * block);
    };
    c.kv += Bytes{static_cast<double>(KvElementsPerTokenOfLayer(m, l, p.tp)) * BytesPerElement(kv) * paged(entries)} +
            IndexerBytesPerTokenOfLayer(m, l) * paged(keys);
    const Bytes state = RecurrentStateOfLayer(m, l, p.tp).Total();
    if (state.v > 0) c.state += pages.state_page.v > 0 ? pages.state_page : state;
  }
  return c;
}

Bytes StageKvBytesPerSequence(const ModelSpec& m, const Parallelism& p, DType kv, const EngineProfile& e,
                              const StageRange& stage, int64_t context) {
  return StageSequenceCache(m, p, kv, e, stage, context).Total();
}

Bytes ActivationBytesPerGpu(const ModelSpec& m, const Parallelism& p, const EngineProfile& e, int max_num_seqs) {
  const double t = e.max_num_batched_tokens;
  const double h = static_cast<double>(m.hidden_size);
  const AttentionSpec& a = m.attention;
  const int kv_per_gpu = a.mla ? 1 : KvHeadsPerRank(a.num_kv_heads, p.tp);
  // Attention temporaries: q and output (heads/tp x head_dim each), k and v of this GPU's heads.
  const double attention =
      t * (2.0 * a.num_heads / p.tp * std::max(a.head_dim, a.v_head_dim) + 2.0 * kv_per_gpu * a.head_dim);
  // MLP temporaries: a gated MLP of `params` holds ~params/hidden elements per token
  // (gate_up output 2i + activation i = 3i = 3*i*h/h). Fused MoE kernels hold that per routed
  // copy (top-k) plus a hidden-size output per copy.
  double mlp = 0;
  for (const auto& l : m.layers) {
    const double dense = t * l.dense_mlp_params / h / p.tp;
    const double shared = t * l.shared_expert_params / h / p.tp;
    // With attention DP the A ranks' chunks are dispatched to the E expert ranks: A/E chunks of copies
    // land on one GPU (at least one). Their intermediates, copies x expert/h/M, stay t k expert/h/T.
    const double chunks = std::max(1.0, static_cast<double>(p.dp_attention) / p.ep);
    const double moe = l.is_moe() ? t * l.experts_per_token * (l.expert_params / h / p.tp + chunks * h) : 0;
    mlp = std::max(mlp, dense + shared + moe);
  }
  const double hidden = kLiveHiddenTensors * t * h;
  const double layer_peak = (hidden + std::max(attention, mlp)) * kActivationBytesPerElement;
  // The sampler: FP32 logits over the whole vocabulary for every running sequence.
  const double sampler = static_cast<double>(kLiveLogitTensors) * max_num_seqs * m.vocab_size * kLogitBytesPerElement;
  return Bytes{layer_peak + sampler};
}

}  // namespace capplan
