// KV-cache bytes per token and per sequence, with and without per-layer-type allocation.
#include <algorithm>
#include <map>
#include <tuple>

#include "capplan/model.h"
#include "model/window.h"

namespace capplan {

int64_t KvElementsPerTokenPerLayer(const ModelSpec& m) {
  const AttentionSpec& a = m.attention;
  // MLA caches one compressed latent plus the shared RoPE key: not per head, not times two.
  if (a.mla) return static_cast<int64_t>(a.kv_lora_rank) + a.qk_rope_head_dim;
  return 2LL * a.num_kv_heads * a.head_dim;
}

int KvHeadsPerRank(int kv_heads, int tp) { return kv_heads <= 0 ? 0 : std::max(1, kv_heads / std::max(1, tp)); }

int64_t KvElementsPerTokenPerLayerPerRank(const ModelSpec& m, int tp) {
  const AttentionSpec& a = m.attention;
  if (a.mla) return KvElementsPerTokenPerLayer(m);  // the latent is replicated on every rank
  return 2LL * KvHeadsPerRank(a.num_kv_heads, tp) * a.head_dim;
}

int64_t KvElementsPerTokenOfLayer(const ModelSpec& m, const LayerSpec& l, int tp) {
  if (l.mixer != MixerKind::kAttention) return 0;
  if (m.attention.mla) return KvElementsPerTokenPerLayer(m);  // the latent is replicated on every rank
  const int heads = l.kv_shape ? l.kv_shape->num_kv_heads : m.attention.num_kv_heads;
  const int64_t head_dim = l.kv_shape ? l.kv_shape->head_dim : m.attention.head_dim;
  const int per_value = l.kv_shape && l.kv_shape->k_eq_v ? 1 : 2;
  return int64_t{per_value} * KvHeadsPerRank(heads, tp) * head_dim;
}

int64_t KvEntriesOfLayer(const LayerSpec& l, int64_t context, bool per_layer_type) {
  if (l.mixer != MixerKind::kAttention) return 0;
  // One pool sized for the full context on every layer when the engine does not allocate per layer type.
  const int64_t raw = per_layer_type ? WindowedTokens(l, context) : context;
  if (l.compress_ratio <= 0) return raw;
  return raw + (context + l.compress_ratio - 1) / l.compress_ratio;
}

int64_t IndexerEntriesOfLayer(const ModelSpec& m, const LayerSpec& l, int64_t context) {
  if (!l.sparse_index || !m.sparse_index || l.mixer != MixerKind::kAttention) return 0;
  return l.compress_ratio > 0 ? (context + l.compress_ratio - 1) / l.compress_ratio : context;
}

Bytes KvBytesPerToken(const ModelSpec& m, DType kv) {
  Bytes total;
  for (const auto& l : m.layers)
    total += Bytes{static_cast<double>(KvElementsPerTokenOfLayer(m, l)) * BytesPerElement(kv)} +
             IndexerBytesPerTokenOfLayer(m, l);
  return total;
}

std::vector<KvByLayerKind> KvBytesPerTokenByLayerKind(const ModelSpec& m, DType kv) {
  // (kind, window) -> (layers, bytes per token), ordered full first; recurrent layers hold no KV.
  std::map<std::pair<int, int64_t>, std::pair<int, Bytes>> groups;
  for (const auto& l : m.layers) {
    if (l.mixer != MixerKind::kAttention) continue;
    auto& g = groups[{static_cast<int>(l.attention), l.window}];
    ++g.first;
    g.second += Bytes{static_cast<double>(KvElementsPerTokenOfLayer(m, l)) * BytesPerElement(kv)} +
                IndexerBytesPerTokenOfLayer(m, l);
  }
  std::vector<KvByLayerKind> out;
  out.reserve(groups.size());
  for (const auto& [key, g] : groups) {
    out.push_back({.kind = static_cast<AttentionKind>(key.first),
                   .num_layers = g.first,
                   .window = key.second,
                   .bytes_per_token = g.second});
  }
  return out;
}

Bytes KvBytesPerSequence(const ModelSpec& m, int64_t context, DType kv, bool per_layer_type) {
  Bytes total;
  for (const auto& l : m.layers) {
    const double entries = static_cast<double>(KvEntriesOfLayer(l, context, per_layer_type));
    const double keys = static_cast<double>(IndexerEntriesOfLayer(m, l, context));
    total += Bytes{static_cast<double>(KvElementsPerTokenOfLayer(m, l)) * BytesPerElement(kv) * entries} +
             IndexerBytesPerTokenOfLayer(m, l) * keys;
  }
  return total;
}

}  // namespace capplan
