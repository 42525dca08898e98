// The one set-up of a simulated deployment and its three ways of running (open loop, closed loop, load sweep).
#include "capplan/serve.h"

#include <algorithm>

namespace capplan {

int64_t ReplicaKvTokens(const MemoryBudget& b) {
  if (b.kv_bytes_per_token_per_gpu.v <= 0) return 0;
  return b.kv_tokens;  // the pool's tokens on every attention-DP rank together (docs/scale.md)
}

int ServingBatchCap(const Deployment& d, const MemoryBudget& b, const PerfCalibration& c) {
  return std::max(1, std::min(b.max_concurrent_sequences, EngineMaxBatch(d, c)));
}

SchedulerConfig SchedulerFor(const Deployment& d, const MemoryBudget& b, int max_num_seqs) {
  SchedulerConfig s;
  s.max_num_seqs = std::max(1, max_num_seqs);
  // Each attention-DP rank has its own token budget; the simulator runs the ranks as one scheduler.
  s.max_num_batched_tokens =
      static_cast<int64_t>(d.engine.max_num_batched_tokens) * std::max(1, d.parallel.dp_attention);
  s.kv_capacity_tokens = ReplicaKvTokens(b);
  s.kv_block_tokens = d.engine.kv_block_tokens;
  return s;
}

Result<ServingSetup> SetUpServing(const ModelSpec& m, const Deployment& d, const ServeOptions& o) {
  if (o.context < 1) return Error::InvalidArgument("context must be at least 1 token", "context");
  CAPPLAN_ASSIGN_OR_RETURN(MemoryBudget budget, FittingBudget(m, d, BudgetQuery{.context = o.context, .batch = 1}));
  ServingSetup s{.budget = budget, .calibration = o.calibration ? *o.calibration : CalibrationFor(d), .config = o.sim};
  s.config.replicas = d.parallel.replicas;
  s.config.scheduler = SchedulerFor(d, s.budget, ServingBatchCap(d, s.budget, s.calibration));
  return s;
}

Result<SimResult> SimulateDeployment(const ModelSpec& m, const Deployment& d, const WorkloadSpec& w,
                                     const ServeOptions& o) {
  CAPPLAN_ASSIGN_OR_RETURN(ServingSetup s, SetUpServing(m, d, o));
  const RooflineStepTimeModel model(m, d, s.calibration);
  return Simulate(s.config, w, model);
}

Result<SimResult> SimulateDeploymentClosedLoop(const ModelSpec& m, const Deployment& d, const ClosedLoopSpec& loop,
                                               const std::vector<Request>& requests, const ServeOptions& o) {
  CAPPLAN_ASSIGN_OR_RETURN(ServingSetup s, SetUpServing(m, d, o));
  const RooflineStepTimeModel model(m, d, s.calibration);
  return SimulateClosedLoop(s.config, loop, requests, model);
}

Result<LoadSweepResult> LoadSweepDeployment(const ModelSpec& m, const Deployment& d, const LoadSweepSpec& spec,
                                            const ServeOptions& o,
                                            const std::function<void(double fraction)>& progress) {
  CAPPLAN_ASSIGN_OR_RETURN(ServingSetup s, SetUpServing(m, d, o));
  const RooflineStepTimeModel model(m, d, s.calibration);
  return LoadSweep(s.config, spec, model, progress);
}

}  // namespace capplan
