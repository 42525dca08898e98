// FLOPs of one token's forward pass: the linear part (2 per active weight) and the attention part
// that grows with the visible context.
#include <algorithm>

#include "capplan/model.h"

namespace capplan {

FlopsPerToken FlopsPerTokenAt(const ModelSpec& m, int64_t context) {
  FlopsPerToken f;
  // The input embedding is a table lookup; every other active weight is one multiply-add.
  f.linear = Flops{2.0 * static_cast<double>(ActiveParams(m, /*include_embedding=*/false))};
  const AttentionSpec& a = m.attention;
  // QK^T costs 2 x heads x qk_dim per visible token, AV 2 x heads x v_dim. For GQA both dims are
  // head_dim; for MLA the per-head dims of the unabsorbed form (nope + rope, v_head_dim), the
  // mathematical cost of the attention (absorbed decode kernels trade it for fewer bytes).
  const double per_visible_token = 2.0 * a.num_heads * (static_cast<double>(a.head_dim) + a.v_head_dim);
  double visible = 0;
  for (const auto& l : m.layers) {
    const bool windowed = l.attention != AttentionKind::kFull && l.window > 0;
    visible += static_cast<double>(windowed ? std::min(context, l.window) : context);
  }
  f.attention = Flops{per_visible_token * visible};
  return f;
}

}  // namespace capplan
