// The error bands of issue 12 on the API's latency answers (the same objects as the CLI's --json).
#include "capplan/validate.h"
#include "encode_band.h"
#include "routes.h"

namespace capplan::server {

void AddErrorBands(const ModelSpec& m, const Deployment& d, nlohmann::json& answer) {
  const nlohmann::json ttft = json::BandJson(ErrorBandFor(d, m, "ttft"));
  const nlohmann::json tpot = json::BandJson(ErrorBandFor(d, m, "tpot"));
  if (answer.contains("decode")) {  // /api/perf
    answer["decode"]["tpot_error_band"] = tpot;
    answer["prefill"]["ttft_error_band"] = ttft;
  } else if (answer.contains("points")) {  // a sweep: one band per metric for every point
    answer["error_bands"] = {{"ttft_seconds", ttft}, {"tpot_seconds", tpot}};
  } else {  // one simulation
    answer["ttft_seconds"]["error_band"] = ttft;
    answer["tpot_seconds"]["error_band"] = tpot;
  }
}

}  // namespace capplan::server
