// Encoding of performance, simulation and plan results: the keys of `capplan perf|simulate|plan --json`,
// shared by the CLI and the HTTP API so both answer with the same document (docs/api.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "capplan/cost.h"
#include "capplan/perf.h"
#include "capplan/search.h"
#include "capplan/sim.h"

namespace capplan::json {

/// Today's date (UTC) from the system clock: what prices are judged against at the CLI and HTTP edges
/// (the library itself never reads the clock).
Date TodayUtc();

/// "fp8", or "bf16 (experts mxfp4)" for a mixed scheme.
std::string PrecisionName(const WeightPrecision& w);

/// model, gpu, gpu_count, layout, weights_dtype, kv_dtype: what every result says it is about.
nlohmann::json EncodeDeploymentSummary(const ModelSpec& m, const Deployment& d);

/// `capplan perf --json`: decode.{step_seconds, tokens_per_second, tpot_seconds, bound, ...},
/// prefill.ttft_seconds, bound, max_load.{...}, dense_comparison.{...}, curve[].
nlohmann::json EncodePerf(const ModelSpec& m, const Deployment& d, const PerfQuery& q, const PerfPrediction& p);

/// {mean, p50, p90, p95, p99, count} in seconds.
nlohmann::json EncodeLatency(const LatencySummary& l);
/// `capplan simulate --json`: ttft_seconds, tpot_seconds, itl_seconds, e2e_seconds, queueing_delay_seconds,
/// throughput.{...}, goodput, kv_cache_utilization, preemptions, batch_size, steps.
nlohmann::json EncodeSimulation(const ModelSpec& m, const Deployment& d, const SimMetrics& s);
/// `capplan simulate --sweep --json`: found, max_rate_per_second, points[].
nlohmann::json EncodeLoadSweep(const LoadSweepResult& r);

/// One plan candidate: gpu, gpu_count, layout, weights_dtype, kv_dtype, latency.{ttft,tpot,e2e}_seconds.{p50,p95,p99},
/// cost.{usd_per_hour, usd_per_month, usd_per_million_output_tokens, ...}, provider, price_as_of, memory.
nlohmann::json EncodeCandidate(const Candidate& c);
/// `capplan plan --json`: feasible, workload, recommended (a candidate + launch + warnings), candidates,
/// pareto, api_comparison, api_match, traffic_tiers, search; or feasible: false with reason and suggestions.
/// `pricing`: the tier the GPUs were priced at (the CLI's --pricing; the API prices on demand).
nlohmann::json EncodePlan(const PlanRequest& r, const PlanResult& plan, Date today, bool default_scenario,
                          PricingTier pricing);

}  // namespace capplan::json
