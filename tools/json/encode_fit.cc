#include "encode_fit.h"

#include <fmt/format.h>

#include "decode.h"
#include "encode_budget.h"
#include "fields.h"

namespace capplan::json {

nlohmann::json EncodeFit(const ModelSpec& m, const FitQuery& q, const std::vector<FitConfig>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const FitConfig& r : rows) {
    nlohmann::json j = BudgetJson(r.budget);
    j["gpu"] = r.gpu.id;
    j["gpus"] = r.gpus;
    j["weights"] = r.precision.name;
    j["layout"] = LayoutJson(r.parallel);
    j["total_tdp_watts"] = r.gpus * r.gpu.tdp_watts;
    j["total_memory_usable_bytes"] = r.gpus * r.gpu.memory_usable.v;
    out.push_back(j);
  }
  return {{"model", m.name},
          {"context_tokens", q.workload.context},
          {"batch", q.workload.batch},
          {"engine", EngineName(q.engine)},
          {"configurations", out}};
}

void AddFitPrices(nlohmann::json& fit, const std::vector<FitConfig>& rows, const PriceCatalog& prices) {
  nlohmann::json& configs = fit["configurations"];
  for (size_t i = 0; i < rows.size() && i < configs.size(); ++i) {
    nlohmann::json& j = configs[i];
    const std::vector<GpuQuote> quotes = prices.QuoteGpus(rows[i].gpu.id, rows[i].gpus);
    if (quotes.empty()) {
      for (const char* k : {"provider", "usd_per_hour", "usd_per_month", "gpus_billed", "price_as_of"}) j[k] = nullptr;
      continue;
    }
    const GpuQuote& q = quotes.front();  // cheapest first
    j["provider"] = q.row.provider;
    j["usd_per_hour"] = q.usd_per_hour.v;
    j["usd_per_month"] = q.usd_per_hour.v * kHoursPerMonth;
    j["gpus_billed"] = q.billed_gpus;
    j["price_as_of"] = q.row.as_of.text;
  }
}

Result<FitRequest> DecodeFitRequest(const nlohmann::json& body) {
  CAPPLAN_RETURN_IF_ERROR(RejectUnknownFields(body, {"model", "context", "batch", "engine", "kv_dtype", "max_gpus"}));
  FitRequest r;
  std::string preset;
  CAPPLAN_RETURN_IF_ERROR(DecodeRequestModel(body, r.model, preset));
  CAPPLAN_ASSIGN_OR_RETURN(r.query.workload.context,
                           IntOr(body, "context", kDefaultContextTokens, 1, kMaxContextTokens));
  CAPPLAN_ASSIGN_OR_RETURN(r.query.workload.batch, IntOr(body, "batch", 1, 1, kMaxBatch));
  CAPPLAN_ASSIGN_OR_RETURN(r.query.max_gpus, IntOr(body, "max_gpus", 64, 1, 1024));
  CAPPLAN_ASSIGN_OR_RETURN(auto engine, OptionalString(body, "engine"));
  CAPPLAN_ASSIGN_OR_RETURN(r.query.engine, ParseEngine(engine.value_or("vllm"), "engine"));
  CAPPLAN_ASSIGN_OR_RETURN(auto kv, OptionalString(body, "kv_dtype"));
  if (kv.value_or("auto") == "auto") {
    r.query.kv_dtype = AutoKvDtype(r.model);
  } else {
    CAPPLAN_ASSIGN_OR_RETURN(r.query.kv_dtype, ParseDType(*kv, "kv_dtype"));
  }
  const ModelSpec& m = r.model;
  if (m.max_context > 0 && r.query.workload.context > m.max_context)
    return Error::InvalidArgument(fmt::format("{}: context={} exceeds the model's context of {} tokens "
                                              "(max_position_embeddings)",
                                              kRequestSource, r.query.workload.context, m.max_context),
                                  "context");
  return r;
}

}  // namespace capplan::json
