// How sure a prediction is, in words and in JSON: the out-of-sample band of its regime (src/validate/bands.cc).
#pragma once

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>

#include "capplan/units.h"
#include "capplan/validate.h"
#include "encode_band.h"

namespace capplan::cli {

/// "typically 22.1 ms - 31.0 ms (measured / predicted 0.91-1.28 for vllm moe hopper, 214 out-of-sample
/// comparisons)", or a sentence saying there is no band for the regime.
inline std::string BandText(const ErrorBand& b, Seconds predicted) {
  if (b.count == 0) return fmt::format("no measured band for {} yet", b.regime);
  return fmt::format("typically {} - {} (measured / predicted {:.2f}-{:.2f} for {}, {} out-of-sample comparisons)",
                     FormatSeconds(predicted * b.low), FormatSeconds(predicted * b.high), b.low, b.high, b.regime,
                     b.count);
}

using json::BandJson;  // tools/json/encode_band.h: the API answers carry the same object

}  // namespace capplan::cli
