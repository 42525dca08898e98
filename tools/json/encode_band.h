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

/// The out-of-sample error bands of the deployment's regime beside its latency figures, in `capplan perf|simulate
/// --json` and the API's answers alike: perf's decode.tpot_error_band and prefill.ttft_error_band; a simulation's
/// ttft_seconds.error_band and tpot_seconds.error_band; a sweep's error_bands.{ttft_seconds, tpot_seconds}.
inline void AddErrorBands(const ModelSpec& m, const Deployment& d, nlohmann::json& answer) {
  const nlohmann::json ttft = BandJson(ErrorBandFor(d, m, "ttft"));
  const nlohmann::json tpot = BandJson(ErrorBandFor(d, m, "tpot"));
  if (answer.contains("decode")) {  // perf
    answer["decode"]["tpot_error_band"] = tpot;
    answer["prefill"]["ttft_error_band"] = ttft;
  } else if (answer.contains("points")) {  // a sweep: one band per metric for every point
    answer["error_bands"] = {{"ttft_seconds", ttft}, {"tpot_seconds", tpot}};
  } else {  // one simulation
    answer["ttft_seconds"]["error_band"] = ttft;
    answer["tpot_seconds"]["error_band"] = tpot;
  }
}

}  // namespace capplan::json
