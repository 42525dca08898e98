// The online-serving rows of the published measurements, replayed through the simulator: requests arrive
// as a Poisson stream at the row's rate, with the row's fixed lengths, on the TensorRT-LLM profile.
#include <cmath>
#include <map>

#include "capplan/serve.h"
#include "capplan/validate.h"

namespace capplan {

std::vector<ValidationPoint> ValidateOnline(const std::vector<MeasurementRow>& rows,
                                            const std::vector<PerfCalibration>& calibrations, int64_t requests) {
  std::vector<ValidationPoint> out;
  std::map<std::string, ModelSpec> models;
  for (const auto& row : rows) {
    ValidationPoint p;
    p.row = row;
    p.expressed = ExpressRow(row);
    if (!p.expressed.expressible || p.expressed.kind != "online") continue;
    auto dep = RowDeployment(p.expressed);
    if (!models.count(p.expressed.preset)) {
      auto m = LoadPreset(p.expressed.preset);
      if (m.ok()) models.emplace(p.expressed.preset, *m);
    }
    if (!dep.ok() || !models.count(p.expressed.preset)) continue;
    const ModelSpec& m = models.at(p.expressed.preset);
    const Deployment& d = *dep;
    ServeOptions serve;
    serve.context = p.expressed.input_tokens + p.expressed.output_tokens;
    serve.calibration = SelectCalibration(calibrations, d.gpu);
    serve.sim.seed = 1;
    if (auto setup = SetUpServing(m, d, serve); !setup.ok()) {
      p.expressed.expressible = false;
      p.expressed.reason = "capplan predicts it does not run: " + setup.error().message;
      out.push_back(std::move(p));
      continue;
    }
    WorkloadSpec w;
    w.rate_per_second = p.expressed.request_rate;
    w.input = {.kind = LengthDistribution::kFixed, .value = p.expressed.input_tokens};
    w.output = {.kind = LengthDistribution::kFixed, .value = p.expressed.output_tokens};
    w.num_requests = requests;
    auto res = SimulateDeployment(m, d, w, serve);
    if (!res.ok()) continue;
    const SimMetrics& s = res->metrics;
    if (row.metric == "ttft_mean")
      p.predicted = s.ttft.mean.v;
    else if (row.metric == "itl_mean")
      p.predicted = s.itl.mean.v;
    else if (row.metric == "output_throughput_total")
      p.predicted = s.throughput.output_tokens_per_second;
    else
      continue;
    p.error_pct = (p.predicted - p.expressed.measured) / p.expressed.measured * 100.0;
    p.concurrency = static_cast<int>(std::lround(s.batch_size.mean));
    p.concurrency_limit = "simulated";
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace capplan
