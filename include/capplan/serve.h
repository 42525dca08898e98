// Serving a deployment in the simulator: the one place that turns a deployment (deployment.h) into the
// simulator's configuration, with ONE rule for the running-batch cap, and runs it open loop, closed loop or as a
// load sweep. Every caller that simulates a deployment (capplan simulate, POST /api/simulate, plan's confirming
// simulations, the online validation) goes through here, so they agree on the scheduler. Closed-loop clients and
// disaggregated pools belong here too.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "capplan/deployment.h"
#include "capplan/error.h"
#include "capplan/memory.h"
#include "capplan/model.h"
#include "capplan/perf.h"
#include "capplan/sim.h"

namespace capplan {

/// The KV pool of one replica in tokens: every attention-DP rank's pool together (docs/scale.md); 0 when the
/// budget has no KV per token.
int64_t ReplicaKvTokens(const MemoryBudget& b);

/// The running-batch cap of one replica, the one rule every simulation of a deployment uses: the engine's cap
/// (EngineMaxBatch: --max-num-seqs x attention-DP ranks when set, else the engine's documented default), and no
/// more sequences than the KV pool holds at the budget's context (b.max_concurrent_sequences), so a simulated
/// engine admits what it could keep running to the end; at least 1.
int ServingBatchCap(const Deployment& d, const MemoryBudget& b, const PerfCalibration& c);

/// One replica's scheduler: `max_num_seqs` running sequences, the engine's token budget per step times the
/// attention-DP ranks (each rank has its own), the replica's KV pool and the engine's KV block size.
SchedulerConfig SchedulerFor(const Deployment& d, const MemoryBudget& b, int max_num_seqs);

/// What a simulation of a deployment takes beyond the deployment and the workload.
struct ServeOptions {
  int64_t context = 0;  // tokens per sequence the memory budget is sized at (input + output); must be >= 1
  /// The step model's constants; unset: CalibrationFor(d) (the deployment's engine on its GPU).
  std::optional<PerfCalibration> calibration;
  /// Load balancer, seed, limits, SLOs and recording, as given; replicas and scheduler are set here.
  SimConfig sim;
};

/// The budget, calibration and simulator configuration of `d` (replicas = d.parallel.replicas, the scheduler
/// from SchedulerFor with ServingBatchCap). Errors: kInfeasible when the deployment does not fit at o.context
/// (FittingBudget's message).
struct ServingSetup {
  MemoryBudget budget;
  PerfCalibration calibration;
  SimConfig config;
};
Result<ServingSetup> SetUpServing(const ModelSpec& m, const Deployment& d, const ServeOptions& o);

/// Open loop: the workload's arrivals served by the deployment (SetUpServing, then Simulate).
Result<SimResult> SimulateDeployment(const ModelSpec& m, const Deployment& d, const WorkloadSpec& w,
                                     const ServeOptions& o);
/// Closed loop of `loop.clients` clients over `requests` (their lengths; SetUpServing, then SimulateClosedLoop).
Result<SimResult> SimulateDeploymentClosedLoop(const ModelSpec& m, const Deployment& d, const ClosedLoopSpec& loop,
                                               const std::vector<Request>& requests, const ServeOptions& o);
/// The highest rate meeting spec.targets (SetUpServing, then LoadSweep).
Result<LoadSweepResult> LoadSweepDeployment(const ModelSpec& m, const Deployment& d, const LoadSweepSpec& spec,
                                            const ServeOptions& o,
                                            const std::function<void(double fraction)>& progress = {});

}  // namespace capplan
