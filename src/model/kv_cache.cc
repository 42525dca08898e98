// KV-cache bytes per token and per sequence, with and without per-layer-type allocation.
#include <algorithm>
#include <map>

#include "capplan/model.h"

namespace capplan {

int64_t KvElementsPerTokenPerLayer(const ModelSpec& m) {
  const AttentionSpec& a = m.attention;
  // MLA caches one compressed latent plus the shared RoPE key: not per head, not times two.
  if (a.mla) return static_cast<int64_t>(a.kv_lora_rank) + a.qk_rope_head_dim;
  return 2LL * a.num_kv_heads * a.head_dim;
}

Bytes KvBytesPerToken(const ModelSpec& m, DType kv) {
  return Bytes{static_cast<double>(KvElementsPerTokenPerLayer(m)) * BytesPerElement(kv) *
               static_cast<double>(m.layers.size())};
}

std::vector<KvByLayerKind> KvBytesPerTokenByLayerKind(const ModelSpec& m, DType kv) {
  const double per_layer = static_cast<double>(KvElementsPerTokenPerLayer(m)) * BytesPerElement(kv);
  std::map<std::pair<int, int64_t>, int> count;  // (kind, window) -> layers, ordered full first
  for (const auto& l : m.layers) ++count[{static_cast<int>(l.attention), l.window}];
  std::vector<KvByLayerKind> out;
  for (const auto& [key, n] : count) {
    out.push_back({.kind = static_cast<AttentionKind>(key.first),
                   .num_layers = n,
                   .window = key.second,
                   .bytes_per_token = Bytes{per_layer * n}});
  }
  return out;
}

Bytes KvBytesPerSequence(const ModelSpec& m, int64_t context, DType kv, bool per_layer_type) {
  const double per_layer = static_cast<double>(KvElementsPerTokenPerLayer(m)) * BytesPerElement(kv);
  double tokens = 0;
  for (const auto& l : m.layers) {
    const bool windowed = per_layer_type && l.attention != AttentionKind::kFull && l.window > 0;
    tokens += static_cast<double>(windowed ? std::min(context, l.window) : context);
  }
  return Bytes{per_layer * tokens};
}

}  // namespace capplan
