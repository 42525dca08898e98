// `capplan fit --json` and POST /api/fit: the minimum viable configurations, one document from both.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "capplan/cost.h"
#include "capplan/memory.h"

namespace capplan::json {

/// {"model", "context_tokens", "batch", "engine", "configurations": [{per_gpu.{...}, fits, reason, ...,
/// "gpu", "gpus", "weights", "layout", "total_tdp_watts", "total_memory_usable_bytes"}]} (the budget keys of
/// encode_budget.h's BudgetJson), in the order MinimumViableConfigurations returns them.
nlohmann::json EncodeFit(const ModelSpec& m, const FitQuery& q, const std::vector<FitConfig>& rows);

/// Adds to each configuration of EncodeFit's document the cheapest rental of its GPUs (QuoteGpus' first quote):
/// "provider", "usd_per_hour", "usd_per_month" (x 730 hours, 24x7), "gpus_billed" (whole instances), "price_as_of";
/// null when no provider prices the GPU.
void AddFitPrices(nlohmann::json& fit, const std::vector<FitConfig>& rows, const PriceCatalog& prices);

/// POST /api/fit: "model" (a model source), "context" (tokens, default 8192), "batch" (sequences, default 1), "engine"
/// (vllm), "kv_dtype" (auto), "max_gpus" (the largest count tried, default 64, at most 1024). Errors name the field;
/// a context over the model's own is an error, as on the CLI.
struct FitRequest {
  ModelSpec model;
  FitQuery query;
};
Result<FitRequest> DecodeFitRequest(const nlohmann::json& body);

}  // namespace capplan::json
