#include "routes.h"

#include "capplan/hardware.h"
#include "capplan/launch.h"
#include "capplan/memory.h"
#include "capplan/model.h"
#include "capplan/serve.h"
#include "decode.h"
#include "encode.h"
#include "encode_band.h"
#include "encode_cost.h"
#include "encode_launch.h"
#include "encode_results.h"
#include "fields.h"

namespace capplan::server {

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kParse:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kUnsupported:
    case ErrorCode::kInfeasible:
      return 422;
    case ErrorCode::kResourceLimit:
      return 413;
  }
  return 400;
}

std::string ResponseText(const ApiResponse& r) {
  return r.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ApiResponse ErrorResponse(const Error& e) { return {HttpStatusFor(e.code), json::EncodeError(e)}; }

ApiResponse HandleHealth() { return {200, {{"status", "ok"}, {"version", CAPPLAN_VERSION}}}; }

ApiResponse HandleModels() {
  Result<nlohmann::json> models = json::EncodeModels();
  if (!models.ok()) return ErrorResponse(models.error());
  return {200, *models};
}

ApiResponse HandleGpus() { return {200, json::EncodeGpus(GpuCatalog::BuiltIn().All())}; }

ApiResponse HandleModel(std::string_view body) {
  Result<nlohmann::json> j = json::ParseRequestBody(body);
  if (!j.ok()) return ErrorResponse(j.error());
  Result<json::ModelRequest> req = json::DecodeModelRequest(*j);
  if (!req.ok()) return ErrorResponse(req.error());
  return {200, json::EncodeModel(req->model, req->context)};
}

ApiResponse HandleMemory(std::string_view body) {
  Result<nlohmann::json> j = json::ParseRequestBody(body);
  if (!j.ok()) return ErrorResponse(j.error());
  Result<json::MemoryRequest> req = json::DecodeMemoryRequest(*j);
  if (!req.ok()) return ErrorResponse(req.error());
  Result<MemoryBudget> budget = ComputeMemoryBudget(req->model, req->deployment, req->query);
  if (!budget.ok()) return ErrorResponse(budget.error());
  // The repository the launch commands serve: the preset's, else the config's `_name_or_path`.
  std::string hf_id;
  if (req->model.source.starts_with("preset:")) {
    hf_id = PresetRepository(req->model.name);
  } else if (const auto& m = (*j)["model"]; m.is_object() && m.contains("config") && m["config"].is_object()) {
    const auto& c = m["config"];
    if (c.contains("_name_or_path") && c["_name_or_path"].is_string())
      hf_id = ConfigRepository(nlohmann::json{{"_name_or_path", c["_name_or_path"]}}.dump());
  }
  return {200, json::EncodeMemory(req->model, req->deployment, req->query, *budget, req->layout_auto, hf_id)};
}

ApiResponse HandlePerf(std::string_view body) {
  Result<nlohmann::json> j = json::ParseRequestBody(body);
  if (!j.ok()) return ErrorResponse(j.error());
  Result<json::PerfRequest> req = json::DecodePerfRequest(*j);
  if (!req.ok()) return ErrorResponse(req.error());
  const json::DeploymentRequest& d = req->deployment;
  Result<PerfPrediction> p = PredictPerformance(d.model, d.deployment, req->query);
  if (!p.ok()) return ErrorResponse(p.error());
  nlohmann::json out = json::EncodePerf(d.model, d.deployment, req->query, *p);
  out["layout"]["auto"] = d.layout_auto;
  json::AddErrorBands(d.model, d.deployment, out);
  return {200, out};
}

ApiResponse HandleSimulate(std::string_view body, WorkBudget* work) {
  Result<nlohmann::json> j = json::ParseRequestBody(body);
  if (!j.ok()) return ErrorResponse(j.error());
  Result<json::SimulateRequest> req = json::DecodeSimulateRequest(*j);
  if (!req.ok()) return ErrorResponse(req.error());
  const ModelSpec& m = req->deployment.model;
  const Deployment& d = req->deployment.deployment;
  ServeOptions serve;
  serve.context = req->input_tokens + req->output_tokens;
  serve.sim.load_balancer = LoadBalancer::kLeastOutstandingRequests;
  serve.sim.seed = req->seed;
  serve.sim.limits.max_requests = json::kMaxSimulatedRequests;
  serve.sim.limits.budget = work;
  WorkloadSpec w;
  w.rate_per_second = req->rate_per_second;
  w.input = {.kind = LengthDistribution::kFixed, .value = req->input_tokens};
  w.output = {.kind = LengthDistribution::kFixed, .value = req->output_tokens};
  w.num_requests = req->requests;
  if (req->sweep) {
    LoadSweepSpec spec;  // assigned, not designated: GCC 12 warns when a designated initializer skips a member
    spec.workload = w;
    spec.initial_rate_per_second = req->rate_per_second;
    spec.max_simulations = json::kSweepSimulations;
    spec.targets.ttft_p95 = req->slo_ttft_p95;
    spec.targets.tpot_p95 = req->slo_tpot_p95;
    auto sweep = LoadSweepDeployment(m, d, spec, serve);
    if (!sweep.ok()) return ErrorResponse(sweep.error());
    nlohmann::json out = json::EncodeLoadSweep(*sweep);
    out.update(json::EncodeDeploymentSummary(m, d));
    json::AddErrorBands(m, d, out);
    return {200, out};
  }
  auto res = SimulateDeployment(m, d, w, serve);
  if (!res.ok()) return ErrorResponse(res.error());
  nlohmann::json out = json::EncodeSimulation(m, d, res->metrics);
  json::AddErrorBands(m, d, out);
  return {200, out};
}

ApiResponse HandlePlan(std::string_view body, WorkBudget* work) {
  Result<nlohmann::json> j = json::ParseRequestBody(body);
  if (!j.ok()) return ErrorResponse(j.error());
  Result<json::PlanHttpRequest> req = json::DecodePlanRequest(*j);
  if (!req.ok()) return ErrorResponse(req.error());
  Result<PriceCatalog> prices = PriceCatalog::BuiltIn();
  if (!prices.ok()) return ErrorResponse(prices.error());
  const Date today = json::TodayUtc();
  req->request.budget = work;
  Result<PlanResult> plan = Plan(req->request, GpuCatalog::BuiltIn(), *prices, today);
  if (!plan.ok()) return ErrorResponse(WithRequestField(plan.error()));
  // An infeasible plan is an answer, not an error: 200 with feasible: false, the reason and the way out.
  // The request has no pricing field: the API prices on demand (the CLI's default --pricing).
  nlohmann::json out = json::EncodePlan(req->request, *plan, today, /*default_scenario=*/false, PricingTier::kOnDemand);
  if (req->traffic_profile && plan->feasible()) {
    Status day = AddDayOfTraffic(req->request, *plan, *req->traffic_profile, work, out);
    if (!day.ok()) return ErrorResponse(WithRequestField(day.error()));
  }
  return {200, out};
}

ApiResponse HandleCost(std::string_view body) {
  Result<nlohmann::json> j = json::ParseRequestBody(body);
  if (!j.ok()) return ErrorResponse(j.error());
  Result<CostRequest> req = json::DecodeCostRequest(*j);
  if (!req.ok()) return ErrorResponse(req.error());
  Result<PriceCatalog> prices = PriceCatalog::BuiltIn();
  if (!prices.ok()) return ErrorResponse(prices.error());
  const Date today = json::TodayUtc();
  Result<CostReport> report = CostDeployment(*req, *prices, today);
  if (!report.ok()) return ErrorResponse(WithRequestField(report.error()));
  nlohmann::json out = json::EncodeCost(*req, *report);
  out["today"] = FormatDate(today);
  return {200, out};
}

}  // namespace capplan::server
