// A day of traffic for `capplan plan --traffic-profile` and POST /api/plan's `traffic_profile`: the replica type
// cheapest when the fleet follows the hours, its day simulated (SimulateFleetDay), the APIs at the same traffic, and
// the `fleet` JSON of both. One implementation for the CLI and the server (docs/plan.md, "A day of traffic").
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "capplan/cost.h"
#include "capplan/fleet.h"
#include "capplan/search.h"

namespace capplan::json {

struct FleetOptions {
  BytesPerSec storage_bandwidth = kDefaultStorageBandwidth;  // weights loaded at this rate when a replica starts
  Seconds engine_startup = kDefaultEngineStartup;
  int64_t max_requests_per_segment = 2000;  // each simulated stretch of the day is cut to this many requests
  WorkBudget* budget = nullptr;             // charged every simulated step (the server's)
};

struct FleetPlan {
  FleetResult fleet;
  Candidate candidate;              // the replica type the fleet is made of
  std::vector<ApiComparison> apis;  // the APIs at the day's volume against the autoscaled fleet's bill
};

/// One candidate through the day: replicas per hour, static vs autoscaled; simulated through the ramps when
/// `simulate` (otherwise the arithmetic only, to rank candidates).
Result<FleetResult> DayOfTraffic(const PlanRequest& r, const Candidate& c, const TrafficProfile& profile,
                                 const FleetOptions& o, bool simulate);

/// Every candidate meeting the SLOs ranked by its autoscaled $/month (arithmetic), the cheapest simulated. The
/// replica type cheapest when the fleet follows the hours may differ from the one cheapest 24x7 at the peak
/// (smaller replicas scale down further). kInfeasible when no candidate can serve the profile.
Result<FleetPlan> PlanFleet(const PlanRequest& r, const PlanResult& plan, const TrafficProfile& profile,
                            const FleetOptions& o);

/// `fleet` of `capplan plan --traffic-profile --json`: EncodeFleet's keys plus candidate, the 24x7 recommendation's
/// $/month (`best`'s) and api_comparison[].
nlohmann::json EncodeFleetPlan(const TrafficProfile& profile, const FleetPlan& f, const Candidate& best);

/// POST /api/plan's `traffic_profile`: the CLI's "diurnal:peak=R1,trough=R2[,peak-hours=H]", or an array of 24
/// hourly requests/s (each in [0, 1e6], at least one > 0). Errors name the field `traffic_profile`.
Result<TrafficProfile> DecodeTrafficProfile(const nlohmann::json& v);

}  // namespace capplan::json
