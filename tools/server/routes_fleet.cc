// POST /api/plan with `traffic_profile`: the day of traffic of `capplan plan --traffic-profile`, bounded for a server.
#include <algorithm>
#include <cmath>

#include "decode.h"
#include "fleet_plan.h"
#include "routes.h"

namespace capplan::server {
namespace {

// A day simulates at most 24 static stretches, 24 autoscaled hours' rests and 24 scale-up runs of up to twice the
// stretch (the ramp and as long again after it): 96 stretches of `n` requests. `n` is sized, as /api/simulate's
// requests are, to the work: at most kDayTokens tokens (long prompts) and kDaySteps request-steps (long outputs: a
// request is in about output + 1 engine steps) for the day. The default 1,000 + 500-token chat keeps
// kFleetSegmentRequests; a 100K-token prompt gets a few requests a stretch. Every simulated step is charged to the
// request's work budget (its cost, deadline and cancellation), as /api/simulate's are.
constexpr int kMaxStretches = 96;
constexpr double kDayTokens = 7.2e7;
constexpr double kDaySteps = 2.41e7;

}  // namespace

Status AddDayOfTraffic(const PlanRequest& r, const PlanResult& plan, const TrafficProfile& profile, WorkBudget* work,
                       nlohmann::json& plan_json) {
  const double tokens = static_cast<double>(r.input_tokens + r.output_tokens);
  const double steps = static_cast<double>(r.output_tokens) + 1;
  const double fits = std::min(kDayTokens / (kMaxStretches * tokens), kDaySteps / (kMaxStretches * steps));
  const int64_t n = std::clamp<int64_t>(static_cast<int64_t>(fits), 1, json::kFleetSegmentRequests);
  CAPPLAN_ASSIGN_OR_RETURN(json::FleetPlan f,
                           json::PlanFleet(r, plan, profile, {.max_requests_per_segment = n, .budget = work}));
  if (work) CAPPLAN_RETURN_IF_ERROR(work->status());
  plan_json["fleet"] = json::EncodeFleetPlan(profile, f, plan.candidates.front());
  plan_json["fleet"]["simulated_requests_per_stretch"] = n;
  return Ok{};
}

}  // namespace capplan::server
