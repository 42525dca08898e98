// `capplan cost` and POST /api/cost: one deployment priced by every provider that rents its GPU (or owned), at its
// capacity under the SLOs, beside the serverless APIs for the same model, with its energy use.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "capplan/cost.h"
#include "capplan/deployment.h"
#include "capplan/fleet.h"
#include "capplan/model.h"

namespace capplan {

struct CostRequest {
  ModelSpec model;
  std::string preset;  // for API prices; "" for a config file
  Deployment deployment;
  int64_t input_tokens = 1000;
  int64_t output_tokens = 500;
  Seconds slo_ttft_p95{1.0};
  Seconds slo_tpot_p95{0.050};
  PricingTier tier = PricingTier::kOnDemand;
  OwnInputs own;
  std::vector<std::string> providers;  // empty: all; an unknown one is an error naming providers_field
  std::string providers_field = "--provider";
  double cached_input_fraction = 0;        // [0, 1]
  std::optional<double> tokens_per_month;  // the API comparison's volume; default: the deployment's 24x7 capacity
  BytesPerSec storage_bandwidth = kDefaultStorageBandwidth;  // for spot's replacement time
  Seconds engine_startup = kDefaultEngineStartup;
};

/// One provider's bill for the deployment.
struct ProviderCost {
  GpuQuote quote;
  int gpus_used = 0;                      // the deployment's GPUs
  DollarsPerHour usd_per_hour;            // quote.usd_per_hour: whole instances
  Dollars usd_per_month;                  // x 730
  Dollars usd_per_million_output_tokens;  // usd_per_hour / (capacity output tokens per hour) x 1e6
  std::string instance;                   // "1 x 8-GPU instance, billed whole (4 GPUs idle)"
  Staleness staleness = Staleness::kFresh;
};

/// GPU power: the board's TDP from the hardware catalog; where the TCO table has an all-in figure (host, network,
/// cooling share), that too. At the deployment's capacity the GPUs are taken to draw their full figure (an upper
/// bound: the roofline's memory-bound decode rarely draws TDP).
struct EnergyUse {
  double gpu_kw = 0;                       // all GPUs, TDP
  double kwh_per_month_tdp = 0;            // gpu_kw x 730
  double joules_per_output_token_tdp = 0;  // gpu_kw x 1000 / output tokens per second
  std::optional<double> all_in_kw;         // all GPUs, TCO all-in power
  std::optional<double> kwh_per_month_all_in;
  std::optional<double> joules_per_output_token_all_in;
  std::optional<Dollars> power_usd_per_month;  // owning with --own-usd-per-kwh: all-in kWh x price
};

struct CostReport {
  SloCapacity capacity;  // per replica
  int replicas = 1;
  double output_tokens_per_second = 0;   // the deployment (all replicas) at SLO capacity
  double tokens_per_month_capacity = 0;  // input + output, 24x7
  double tokens_per_month = 0;           // the API comparison's volume
  std::vector<ProviderCost> providers;   // cheapest first
  std::optional<OwnGpuHour> own;
  std::optional<SpotRisk> spot;
  Seconds replace_time;  // ScaleUpDelay of one replica
  ApiPriceMatch api_match;
  std::vector<ApiComparison> apis;  // against the cheapest provider's bill, batch tiers included
  std::vector<Staleness> api_staleness;
  EnergyUse energy;
};

/// Errors: the deployment does not fit or cannot meet the SLOs (kInfeasible, saying why), an unknown provider
/// (kNotFound), no price for the GPU at the tier (kNotFound, naming the tier and GPU), a bad cached fraction.
Result<CostReport> CostDeployment(const CostRequest& r, const PriceCatalog& prices, Date today,
                                  int max_price_age_days = kDefaultMaxPriceAgeDays);

}  // namespace capplan
