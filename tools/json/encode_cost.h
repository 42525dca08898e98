// Encoding of `capplan cost --json` and POST /api/cost: the same document from both (docs/cost.md).
#pragma once

#include <nlohmann/json.hpp>

#include "capplan/cost_report.h"
#include "capplan/fleet.h"

namespace capplan::json {

/// deployment (model, gpu, gpu_count, layout, ...), workload, tier, capacity.{...}, providers[] (provider,
/// usd_per_hour, usd_per_month, usd_per_million_output_tokens, gpus_billed, as_of, tier, ...), own, spot,
/// serverless[] (provider, model, usd_per_million_input_tokens, ..., as_of, staleness), api_match, energy.{...}.
nlohmann::json EncodeCost(const CostRequest& r, const CostReport& c);

/// POST /api/cost: the deployment fields of /api/perf ("model", "gpu", "gpus", "layout", "weights", "kv_dtype",
/// "engine", "max_model_len", "max_num_seqs"), "input", "output", "slo_ttft_p95_seconds", "slo_tpot_p95_seconds",
/// "pricing" (on-demand | reserved-1y | reserved-3y | spot | own), "providers" (array of strings),
/// "cached_input_fraction", "monthly_tokens". Errors name the field.
Result<CostRequest> DecodeCostRequest(const nlohmann::json& body);

/// `fleet` of `capplan plan --traffic-profile --json`: static_gpu_hours_per_day, autoscaled_gpu_hours_per_day,
/// usd_per_month_static, usd_per_month_autoscaled, slo_attainment (autoscaled; slo_attainment_static beside it),
/// replicas_by_hour[], requests_per_second_by_hour[], scale_up_delay_seconds, ramps[].
nlohmann::json EncodeFleet(const TrafficProfile& profile, const FleetResult& f);

}  // namespace capplan::json
