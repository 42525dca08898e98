// FLOPs of one token's forward pass: the linear part (2 per active weight) and the token-mixing
// part (attention over the visible context, the sparse indexer, recurrent state updates).
#include "capplan/model.h"

namespace capplan {

FlopsPerToken FlopsPerTokenAt(const ModelSpec& m, int64_t context) {
  FlopsPerToken f;
  // The input embedding is a table lookup; every other active weight is one multiply-add.
  f.linear = Flops{2.0 * static_cast<double>(ActiveParams(m, /*include_embedding=*/false))};
  for (const auto& l : m.layers) f.attention += MixerFlopsPerToken(m, l, context);
  return f;
}

}  // namespace capplan
