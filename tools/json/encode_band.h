// How sure a prediction is, in JSON: the out-of-sample error band of its regime (src/validate/bands.cc), the same
// object in `capplan perf/simulate --json` and in the API's latency answers.
#pragma once

#include <nlohmann/json.hpp>

#include "capplan/validate.h"

namespace capplan::json {

/// {"low", "high", "count", "regime", "meaning"}: measured / predicted lies in [low, high] for the middle 80% of the
/// `count` out-of-sample comparisons of the regime (count 0: no band for it yet).
inline nlohmann::json BandJson(const ErrorBand& b) {
  return {{"low", b.low},
          {"high", b.high},
          {"count", b.count},
          {"regime", b.regime},
          {"meaning", "measured / predicted lies in [low, high] for the middle 80% of out-of-sample comparisons"}};
}

}  // namespace capplan::json
