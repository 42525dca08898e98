// The step-time cache of a confirming simulation (plan_internal.h): a pure function remembered by its input, the
// decode context binned.
#include <functional>

#include "search/plan_internal.h"

namespace capplan::plan_internal {

size_t CachedStepTimeModel::KeyHash::operator()(const Key& k) const {
  size_t h = std::hash<int64_t>{}(k.prefill_tokens);
  for (int64_t v : {static_cast<int64_t>(k.prefill_sequences), static_cast<int64_t>(k.decode_sequences),
                    k.prefill_cached_tokens, k.decode_context_tokens})
    h = h * 1000003u ^ std::hash<int64_t>{}(v);
  return h * 1000003u ^ std::hash<double>{}(k.prefill_attention_pairs);
}

int64_t CachedStepTimeModel::BinnedContext(int64_t tokens) {
  // The width: the largest power of two at most tokens / 512, at least 8; the bin's centre stands for it.
  int64_t width = 8;
  while (width * 2 <= tokens / 512) width *= 2;
  return (tokens / width) * width + width / 2;
}

Seconds CachedStepTimeModel::StepTime(const BatchShape& s) const {
  BatchShape binned = s;
  binned.decode_context_tokens = s.decode_context_tokens > 0 ? BinnedContext(s.decode_context_tokens) : 0;
  const Key k{binned.prefill_sequences,     binned.decode_sequences,      binned.prefill_tokens,
              binned.prefill_cached_tokens, binned.decode_context_tokens, binned.prefill_attention_pairs};
  if (auto it = cache_.find(k); it != cache_.end()) {
    ++hits_;
    return it->second;
  }
  const Seconds t = inner_.StepTime(binned);
  cache_.emplace(k, t);
  return t;
}

}  // namespace capplan::plan_internal
