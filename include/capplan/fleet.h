// A day of traffic: a traffic profile (requests/s per hour of the day), the replicas each hour needs under the SLOs,
// a static fleet sized for the peak against an autoscaled one that follows the profile with a scale-up delay, and
// the SLO attainment the serving simulator measures through the ramps. Also a deployment's capacity under the SLOs
// (what `capplan cost` prices) and the scale-up delay (model load + engine start-up).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "capplan/cost.h"
#include "capplan/error.h"
#include "capplan/memory.h"
#include "capplan/model.h"
#include "capplan/perf.h"
#include "capplan/sim.h"
#include "capplan/step_time.h"
#include "capplan/work_budget.h"

namespace capplan {

/// Requests/s for each hour of the day, 0..23 (the rate is flat within an hour).
struct TrafficProfile {
  std::vector<double> requests_per_second;  // 24 values, each >= 0, at least one > 0
  std::string description;                  // "diurnal: peak 15 req/s for 8 h from 09:00, trough 2 req/s"
  double PeakRate() const;
  double MeanRate() const;
};

/// "diurnal:peak=R1,trough=R2[,peak-hours=H]": H hours (default 8) at R1 from 09:00, the hour before and the hour
/// after at (R1 + R2) / 2 (the ramps), the rest at R2. Errors name `flag` and the field.
Result<TrafficProfile> ParseDiurnalProfile(std::string_view spec, std::string_view flag = "--traffic-profile");
/// A CSV with a header naming `hour` (0..23, each exactly once) or `timestamp` ("YYYY-MM-DDTHH:MM[:SS][Z]" or
/// "YYYY-MM-DD HH:MM[:SS]"; averaged per hour of the day, every hour present) and `requests_per_second`.
Result<TrafficProfile> ParseTrafficCsv(std::string_view text, std::string_view source);

/// One replica's capacity under the SLOs, the way `capplan plan` screens a candidate: the largest running batch
/// whose steady-state step meets kTpotScreenMargin x the TPOT target, the prefill within kTtftScreenMargin x TTFT.
struct SloCapacity {
  bool meets_slo = false;
  std::string why_not;                  // when !meets_slo: which target the deployment cannot meet and by how much
  int slo_concurrency = 0;              // sequences running at once per replica
  double requests_per_second = 0;       // per replica
  double output_tokens_per_second = 0;  // per replica
  Seconds prefill, step_at_one, step_at_slo;
};
SloCapacity ReplicaSloCapacity(const ModelSpec& m, const Deployment& d, const MemoryBudget& budget,
                               int64_t input_tokens, int64_t output_tokens, Seconds slo_ttft_p95, Seconds slo_tpot_p95);

/// Assumed when not given (set --storage-gbps, --engine-startup-s): a replica reads its weights from storage at
/// kDefaultStorageBandwidth and the engine then starts (CUDA graph capture, warm-up) in kDefaultEngineStartup.
/// Design defaults, not measurements: a local NVMe or fast network volume reads 2 GB/s or more per node.
inline constexpr BytesPerSec kDefaultStorageBandwidth = GBps(2.0);
inline constexpr Seconds kDefaultEngineStartup{60.0};
/// The time a new replica takes to serve: weight bytes / storage bandwidth + engine start-up.
Seconds ScaleUpDelay(Bytes weight_bytes, BytesPerSec storage_bandwidth, Seconds engine_startup);

/// What the fleet simulation needs about one replica. The model is borrowed and must outlive the call.
struct FleetInput {
  TrafficProfile profile;
  double replica_capacity_rps = 0;  // under the SLOs (SloCapacity::requests_per_second)
  double headroom = 0.9;            // replicas are sized so traffic uses at most this share of capacity (as plan)
  int gpus_per_replica = 1;         // billed GPUs per replica
  DollarsPerHour usd_per_gpu_hour;
  Seconds scale_up_delay;
  int max_replicas = 4096;
  // For the simulated SLO attainment; `model` null skips the simulation (attainment reported as not measured).
  const StepTimeModel* model = nullptr;
  SchedulerConfig scheduler;
  int64_t input_tokens = 1000;
  int64_t output_tokens = 500;
  Seconds slo_ttft_p95{1.0};
  Seconds slo_tpot_p95{0.050};
  int64_t max_requests_per_segment = 2000;  // each simulated segment is cut to this many requests
  uint64_t seed = 1;
  WorkBudget* budget = nullptr;  // charged every simulated step (the server's cost, deadline and cancellation)
};

/// One simulated stretch of the day: `replicas` serving `requests_per_second` for `duration`.
struct FleetSegment {
  int hour = 0;
  Seconds start;  // within the hour
  Seconds duration;
  double requests_per_second = 0;
  int replicas = 0;
  bool ramp = false;          // the autoscaled fleet is still loading the replicas this hour needs
  double requests = 0;        // requests arriving in the segment: rate x duration
  double slo_attainment = 0;  // share of the simulated requests meeting both p95 targets' bounds
  int64_t simulated_requests = 0;
};

struct FleetResult {
  std::vector<int> replicas_needed;  // per hour: ceil(rate / (capacity x headroom)), at least 1
  int static_replicas = 0;           // the peak hour's
  double static_gpu_hours_per_day = 0;
  double autoscaled_gpu_hours_per_day = 0;                 // sum over hours of replicas billed x GPUs per replica
  Dollars usd_per_month_static, usd_per_month_autoscaled;  // GPU-hours a day x 730 / 24 x $/GPU-hour
  Seconds scale_up_delay;
  bool simulated = false;
  double slo_attainment_static = 0;  // request-weighted over the day
  double slo_attainment_autoscaled = 0;
  std::vector<FleetSegment> static_segments, autoscaled_segments;
};

/// REQUIRES nothing; errors: replica_capacity_rps <= 0, a profile without 24 hours, a peak needing more than
/// max_replicas, or a failed simulation (its error).
/// The autoscaler is reactive: at the start of hour h it asks for replicas_needed[h]; new replicas are billed from
/// that moment and serve after scale_up_delay, so [h, h + delay) runs with the previous hour's replicas at hour h's
/// rate (the ramp). Scaling down is immediate. A scale-up hour is simulated as one run in which the new replicas
/// serve from the ramp's end, so the backlog the ramp builds delays the requests after it (docs/plan.md); other
/// segments are simulated from an empty fleet.
Result<FleetResult> SimulateFleetDay(const FleetInput& in);

/// Per-request SLO attainment of a simulation with recorded requests: the share of completed requests whose TTFT
/// <= ttft and whose TPOT ((finish - first token) / (output - 1)) <= tpot.
double SloAttainment(const SimResult& r, Seconds ttft, Seconds tpot);

}  // namespace capplan
