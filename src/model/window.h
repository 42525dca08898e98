// The one window rule for the tokens a layer holds and reads (internal to model).
#pragma once

#include <algorithm>
#include <cstdint>

#include "capplan/model.h"

namespace capplan {

/// The raw tokens of a `context`-token sequence a layer keeps: at most its window for sliding and chunked layers
/// (window > 0), else the whole context. Compressed and indexer entries are counted by the callers.
inline int64_t WindowedTokens(const LayerSpec& l, int64_t context) {
  const bool windowed = l.attention != AttentionKind::kFull && l.window > 0;
  return windowed ? std::min(context, l.window) : context;
}

}  // namespace capplan
