// CostDeployment (cost_report.h): capacity under the SLOs, then every provider's bill for it, the APIs and energy.
#include "capplan/cost_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "capplan/perf.h"

namespace capplan {
namespace {

constexpr double kSecondsPerHour = 3600.0;
constexpr double kMillion = 1e6;

std::string InstanceText(const GpuQuote& q, int used) {
  if (q.row.kind == PricingKind::kOwn) return fmt::format("{} GPU(s) owned", q.billed_gpus);
  std::string s = fmt::format("{} x {}-GPU instance", q.instances, q.row.gpus_per_instance);
  if (q.billed_gpus > used)
    s += fmt::format(", billed whole ({} GPU{} idle)", q.billed_gpus - used, q.billed_gpus - used == 1 ? "" : "s");
  return s;
}

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

Result<CostReport> CostDeployment(const CostRequest& r, const PriceCatalog& prices, Date today,
                                  int max_price_age_days) {
  if (!(r.cached_input_fraction >= 0 && r.cached_input_fraction <= 1))
    return Error::InvalidArgument(fmt::format("--cached-input-fraction={} must be in [0, 1]", r.cached_input_fraction),
                                  "--cached-input-fraction");
  if (r.input_tokens < 1 || r.output_tokens < 1)
    return Error::InvalidArgument("--input and --output must be at least 1 token", "--input");
  if (!(r.storage_bandwidth.v > 0)) return Error::InvalidArgument("--storage-gbps must be > 0", "--storage-gbps");
  CAPPLAN_RETURN_IF_ERROR(prices.CheckProviders(r.providers, r.providers_field));
  CAPPLAN_ASSIGN_OR_RETURN(
      MemoryBudget budget,
      FittingBudget(r.model, r.deployment, {.context = r.input_tokens + r.output_tokens, .batch = 1}));

  CostReport out;
  out.capacity = ReplicaSloCapacity(r.model, r.deployment, budget, r.input_tokens, r.output_tokens, r.slo_ttft_p95,
                                    r.slo_tpot_p95);
  if (!out.capacity.meets_slo)
    return Error::Infeasible(fmt::format("the deployment cannot meet the targets: {}", out.capacity.why_not));
  out.replicas = r.deployment.parallel.replicas;
  out.output_tokens_per_second = out.capacity.output_tokens_per_second * out.replicas;
  const double ratio = static_cast<double>(r.input_tokens) / r.output_tokens;
  out.tokens_per_month_capacity = TokensPerMonth24x7(out.output_tokens_per_second, ratio);
  out.tokens_per_month = r.tokens_per_month.value_or(out.tokens_per_month_capacity);
  const int gpus = r.deployment.parallel.TotalGpus();
  const std::string& gpu_id = r.deployment.gpu.id;
  out.replace_time =
      ScaleUpDelay(WeightBytesOf(r.model, r.deployment.weights).Total(), r.storage_bandwidth, r.engine_startup);

  std::vector<GpuQuote> quotes;
  if (r.tier == PricingTier::kOwn) {
    CAPPLAN_ASSIGN_OR_RETURN(OwnGpuHour own, OwnCostPerGpuHour(gpu_id, prices, r.own));
    quotes.push_back(OwnQuote(gpu_id, gpus, own, today));
    out.own = own;
  } else {
    quotes = prices.QuoteGpus(gpu_id, gpus, {.providers = r.providers, .kinds = KindsFor(r.tier)});
  }
  if (quotes.empty())
    return Error::NotFound(
        fmt::format("no {} price for {}{} in the price catalog (see `capplan prices --gpu {}`; add "
                    "one with --prices FILE)",
                    PricingTierName(r.tier), gpu_id, r.providers.empty() ? "" : " from the chosen providers", gpu_id),
        "--pricing");
  for (const GpuQuote& q : quotes) {
    ProviderCost c;
    c.quote = q;
    c.gpus_used = gpus;
    c.usd_per_hour = q.usd_per_hour;
    c.usd_per_month = Dollars{q.usd_per_hour.v * kHoursPerMonth};
    c.usd_per_million_output_tokens =
        Dollars{q.usd_per_hour.v / (out.output_tokens_per_second * kSecondsPerHour) * kMillion};
    c.instance = InstanceText(q, gpus);
    c.staleness = IsStale(q.row.as_of, today, max_price_age_days);
    out.providers.push_back(std::move(c));
  }
  if (r.tier == PricingTier::kSpot) out.spot = SpotPreemption(out.replicas, out.replace_time);

  out.api_match = prices.ApiPrices(r.preset.empty() ? r.model.name : r.preset);
  std::vector<ApiPrice> apis;
  for (const ApiPrice& p : out.api_match.rows) {
    if (!r.providers.empty() && std::none_of(r.providers.begin(), r.providers.end(),
                                             [&](const std::string& f) { return SameName(f, p.provider); }))
      continue;
    apis.push_back(p);
    if (auto batch = BatchTier(p)) apis.push_back(*batch);
  }
  const Dollars bill = out.providers.front().usd_per_month;
  out.apis =
      CompareWithApis(bill, out.tokens_per_month_capacity, apis, out.tokens_per_month, ratio, r.cached_input_fraction);
  for (const auto& a : out.apis) out.api_staleness.push_back(IsStale(a.price.as_of, today, max_price_age_days));

  EnergyUse& e = out.energy;
  e.gpu_kw = r.deployment.gpu.tdp_watts / 1000.0 * gpus;
  e.kwh_per_month_tdp = e.gpu_kw * kHoursPerMonth;
  e.joules_per_output_token_tdp = e.gpu_kw * 1000.0 / out.output_tokens_per_second;
  if (auto tco = prices.Tco(gpu_id)) {
    const double kw = (r.own.all_in_power_kw ? *r.own.all_in_power_kw : tco->all_in_power_kw) * gpus;
    e.all_in_kw = kw;
    e.kwh_per_month_all_in = kw * kHoursPerMonth;
    e.joules_per_output_token_all_in = kw * 1000.0 / out.output_tokens_per_second;
    if (r.tier == PricingTier::kOwn && r.own.usd_per_kwh)
      e.power_usd_per_month = Dollars{*e.kwh_per_month_all_in * *r.own.usd_per_kwh};
  }
  return out;
}

}  // namespace capplan
