#include "routes.h"

#include "capplan/hardware.h"
#include "capplan/memory.h"
#include "capplan/model.h"
#include "decode.h"
#include "encode.h"
#include "fields.h"

namespace capplan::server {

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kParse:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kUnsupported:
      return 422;
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
  nlohmann::json models = nlohmann::json::array();
  for (const PresetInfo& p : ListPresets()) {
    Result<ModelSpec> m = LoadPreset(p.name);
    if (!m.ok()) return ErrorResponse(m.error());  // a broken built-in preset: say so rather than hide it
    models.push_back(json::EncodePreset(p, *m));
  }
  return {200, {{"models", models}}};
}

ApiResponse HandleGpus() {
  nlohmann::json gpus = nlohmann::json::array();
  for (const GpuSpec& g : GpuCatalog::BuiltIn().All()) gpus.push_back(json::EncodeGpu(g));
  return {200, {{"gpus", gpus}}};
}

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
  nlohmann::json out = json::EncodeMemoryBudget(*budget);
  out["model"] = {{"name", req->model.name},
                  {"mode", req->model.mode == InputMode::kSimple ? "simple" : "config"},
                  {"limitations", req->model.limitations}};
  out["gpu"] = {{"id", req->deployment.gpu.id},
                {"name", req->deployment.gpu.name},
                {"memory_usable_bytes", req->deployment.gpu.memory_usable.v}};
  out["layout"] = json::EncodeLayout(req->deployment.parallel);
  out["layout"]["auto"] = req->layout_auto;
  out["engine"] = EngineName(req->deployment.engine.engine);
  out["kv_dtype"] = DTypeName(req->deployment.kv_dtype);
  return {200, out};
}

}  // namespace capplan::server
