// The API routes as plain functions from a request body to a status and a JSON body, so that tests can
// call them without a socket. Each is a thin adapter: decode (tools/json), call the library, encode.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "capplan/error.h"
#include "capplan/fleet.h"
#include "capplan/search.h"
#include "capplan/work_budget.h"

namespace capplan::server {

struct ApiResponse {
  int status = 200;
  nlohmann::json body;
};

/// HTTP status for a library error: 400 for bad input, 404 for unknown names, 413 for limits,
/// 422 for a well-formed request the library cannot model (unsupported family, impossible layout).
int HttpStatusFor(ErrorCode code);
ApiResponse ErrorResponse(const Error& e);
/// `e` with the JSON field where a library call named the CLI's flag (--providers -> providers, --pricing ->
/// pricing, --traffic-profile -> traffic_profile), its message's flag prefix made "request: FIELD".
Error WithRequestField(Error e);
/// The body as sent: JSON text in which invalid UTF-8 (echoed from a request into an error message) is replaced by
/// U+FFFD rather than making the serializer throw (found by fuzz/api).
std::string ResponseText(const ApiResponse& r);

ApiResponse HandleHealth();                       // GET /api/health
ApiResponse HandleModels();                       // GET /api/models
ApiResponse HandleGpus();                         // GET /api/gpus
ApiResponse HandleModel(std::string_view body);   // POST /api/model
ApiResponse HandleMemory(std::string_view body);  // POST /api/memory
ApiResponse HandlePerf(std::string_view body);    // POST /api/perf
/// POST /api/simulate and /api/plan. `budget` (may be null) bounds the work while it runs: cost, deadline, the
/// client leaving (capplan/work_budget.h); an exhausted budget is a 413 naming the limit.
ApiResponse HandleSimulate(std::string_view body, WorkBudget* budget = nullptr);
ApiResponse HandlePlan(std::string_view body, WorkBudget* budget = nullptr);
ApiResponse HandleCost(std::string_view body);  // POST /api/cost (docs/cost.md)
/// /api/plan's day of traffic: `plan_json["fleet"]` for `profile` (tools/json/fleet_plan.h), its simulated stretches
/// sized to the work budget and the estimate charged to it first (SimulateFleetDay takes no budget of its own).
Status AddDayOfTraffic(const PlanRequest& r, const PlanResult& plan, const TrafficProfile& profile, WorkBudget* work,
                       nlohmann::json& plan_json);
ApiResponse HandleFit(std::string_view body);  // POST /api/fit: the minimum viable configurations, priced
ApiResponse HandleProviders();                 // GET /api/providers: the price catalog's providers

}  // namespace capplan::server
