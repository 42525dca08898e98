// The step-time cache of a confirming simulation (plan_internal.h): a pure function remembered by its exact input.
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

Seconds CachedStepTimeModel::StepTime(const BatchShape& s) const {
  const Key k{s.prefill_sequences,     s.decode_sequences,      s.prefill_tokens,
              s.prefill_cached_tokens, s.decode_context_tokens, s.prefill_attention_pairs};
  if (auto it = cache_.find(k); it != cache_.end()) {
    ++hits_;
    return it->second;
  }
  const Seconds t = inner_.StepTime(s);
  cache_.emplace(k, t);
  return t;
}

}  // namespace capplan::plan_internal
