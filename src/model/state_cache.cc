// What the 2026 families keep per sequence beyond a KV cache: recurrent state (Gated DeltaNet,
// Mamba-2), the sparse-attention indexer's keys, and what one decode step moves and computes in
// each layer kind. Formulas and their sources: docs/models.md ("State, indexer and sparse reads").
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "capplan/model.h"
#include "model/window.h"

namespace capplan {

namespace {

// vLLM's DeepseekV32IndexerCache stores each key as index_head_dim FP8 bytes plus one FP32 scale
// per block of 128 values (quant_block_size = 128).
constexpr int kIndexerScaleBlock = 128;
constexpr double kIndexerScaleBytes = 4;

int HeadsPerGpu(int heads, int tp) { return std::max(1, heads / std::max(1, tp)); }

}  // namespace

int64_t AttendedEntriesOfLayer(const ModelSpec& m, const LayerSpec& l, int64_t context) {
  if (l.mixer != MixerKind::kAttention) return 0;
  const int64_t raw = WindowedTokens(l, context);
  if (l.compress_ratio > 0) {
    int64_t compressed = (context + l.compress_ratio - 1) / l.compress_ratio;
    if (l.sparse_index && m.sparse_index) compressed = std::min<int64_t>(compressed, m.sparse_index->topk);
    return raw + compressed;
  }
  if (l.sparse_index && m.sparse_index) return std::min<int64_t>(raw, m.sparse_index->topk);
  return raw;
}

std::string_view MixerKindName(MixerKind k) {
  switch (k) {
    case MixerKind::kAttention:
      return "attention";
    case MixerKind::kGatedDeltaNet:
      return "gated_deltanet";
    case MixerKind::kMamba2:
      return "mamba2";
    case MixerKind::kNone:
      return "none";
  }
  return "attention";
}

Bytes IndexerBytesPerTokenOfLayer(const ModelSpec& m, const LayerSpec& l) {
  if (!l.sparse_index || !m.sparse_index || l.mixer != MixerKind::kAttention) return Bytes{};
  const int d = m.sparse_index->head_dim;
  const int scales = (d + kIndexerScaleBlock - 1) / kIndexerScaleBlock;
  return Bytes{d * BytesPerElement(DType::kFP8) + scales * kIndexerScaleBytes};
}

RecurrentState RecurrentStateOfLayer(const ModelSpec& m, const LayerSpec& l, int tp, DType activation) {
  RecurrentState s;
  if (l.mixer == MixerKind::kGatedDeltaNet && m.gated_delta_net) {
    const GatedDeltaNetSpec& g = *m.gated_delta_net;
    // Key and value heads are split across TP ranks together (vLLM's Qwen3-Next layer).
    const double nv = HeadsPerGpu(g.num_value_heads, tp);
    const double nk = HeadsPerGpu(g.num_key_heads, tp);
    s.ssm = Bytes{nv * g.key_head_dim * g.value_head_dim * BytesPerElement(g.state_dtype)};
    s.conv =
        Bytes{(2.0 * nk * g.key_head_dim + nv * g.value_head_dim) * (g.conv_kernel - 1) * BytesPerElement(activation)};
  } else if (l.mixer == MixerKind::kMamba2 && m.mamba2) {
    const Mamba2Spec& b = *m.mamba2;
    const double h = HeadsPerGpu(b.num_heads, tp);
    // Groups are split with the heads when they divide, otherwise every rank keeps all of them.
    const double g = b.n_groups % std::max(1, tp) == 0 ? b.n_groups / std::max(1, tp) : b.n_groups;
    s.ssm = Bytes{h * b.head_dim * b.state_size * BytesPerElement(b.state_dtype)};
    s.conv = Bytes{(h * b.head_dim + 2.0 * g * b.state_size) * (b.conv_kernel - 1) * BytesPerElement(activation)};
  }
  return s;
}

Bytes StateBytesPerSequence(const ModelSpec& m) {
  Bytes total;
  for (const auto& l : m.layers) total += RecurrentStateOfLayer(m, l).Total();
  return total;
}

Bytes DecodeCacheBytesPerSequence(const ModelSpec& m, const LayerSpec& l, int64_t context, DType kv, int tp) {
  if (l.mixer == MixerKind::kGatedDeltaNet || l.mixer == MixerKind::kMamba2)
    return RecurrentStateOfLayer(m, l, tp).Total() * 2.0;  // read, then written back
  if (l.mixer != MixerKind::kAttention) return Bytes{};
  const int64_t attended = AttendedEntriesOfLayer(m, l, context);
  const Bytes indexer_scan =
      IndexerBytesPerTokenOfLayer(m, l) * static_cast<double>(IndexerEntriesOfLayer(m, l, context));
  const double kv_per_token = static_cast<double>(KvElementsPerTokenOfLayer(m, l, tp)) * BytesPerElement(kv);
  return Bytes{kv_per_token * static_cast<double>(attended)} + indexer_scan;
}

Flops MixerFlopsPerToken(const ModelSpec& m, const LayerSpec& l, int64_t context) {
  if (l.mixer == MixerKind::kGatedDeltaNet && m.gated_delta_net) {
    const GatedDeltaNetSpec& g = *m.gated_delta_net;
    return Flops{7.0 * g.num_value_heads * g.key_head_dim * g.value_head_dim};
  }
  if (l.mixer == MixerKind::kMamba2 && m.mamba2) {
    const Mamba2Spec& b = *m.mamba2;
    return Flops{5.0 * b.num_heads * b.head_dim * b.state_size};
  }
  if (l.mixer != MixerKind::kAttention) return Flops{};
  const AttentionSpec& a = m.attention;
  const double head_dim = l.kv_shape ? l.kv_shape->head_dim : a.head_dim;
  const double v_dim = l.kv_shape ? l.kv_shape->head_dim : a.v_head_dim;
  // QK^T costs 2 x heads x qk_dim per visible token, AV 2 x heads x v_dim. For MLA the per-head
  // dims of the unabsorbed form (nope + rope, v_head_dim), the mathematical cost of the attention
  // (absorbed decode kernels trade it for fewer bytes).
  const double per_visible_token = 2.0 * a.num_heads * (head_dim + v_dim);
  const int64_t visible = AttendedEntriesOfLayer(m, l, context);
  const double indexer = m.sparse_index ? 2.0 * m.sparse_index->num_heads * m.sparse_index->head_dim *
                                              static_cast<double>(IndexerEntriesOfLayer(m, l, context))
                                        : 0.0;
  return Flops{per_visible_token * static_cast<double>(visible) + indexer};
}

std::vector<SequenceMemoryByKind> SequenceMemoryByLayerKind(const ModelSpec& m, DType kv) {
  std::map<std::string, SequenceMemoryByKind> groups;
  std::vector<std::string> order;
  for (const auto& l : m.layers) {
    std::string kind;
    if (l.mixer == MixerKind::kAttention) {
      kind =
          fmt::format("{} attention{}{}{}", AttentionKindName(l.attention),
                      l.window > 0 ? fmt::format(" (window {})", l.window) : "",
                      l.compress_ratio > 0 ? fmt::format(" + 1 entry per {} tokens", l.compress_ratio) : "",
                      l.sparse_index && m.sparse_index ? fmt::format(" + indexer, top-{}", m.sparse_index->topk) : "");
    } else if (l.mixer == MixerKind::kNone) {
      continue;
    } else {
      kind = std::string(MixerKindName(l.mixer));
    }
    auto [it, inserted] = groups.try_emplace(kind, SequenceMemoryByKind{.kind = kind});
    if (inserted) order.push_back(kind);
    SequenceMemoryByKind& g = it->second;
    ++g.num_layers;
    g.kv_per_token += Bytes{static_cast<double>(KvElementsPerTokenOfLayer(m, l)) * BytesPerElement(kv)} +
                      IndexerBytesPerTokenOfLayer(m, l);
    g.state_per_sequence += RecurrentStateOfLayer(m, l).Total();
  }
  std::vector<SequenceMemoryByKind> out;
  out.reserve(order.size());
  for (const auto& k : order) out.push_back(groups[k]);
  return out;
}

}  // namespace capplan
