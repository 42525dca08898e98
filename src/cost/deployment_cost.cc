// The cost arithmetic: deployment $/hour -> $/month and $ per million tokens; API $/month; crossovers; tiers.
// Formulas are stated in include/capplan/cost.h.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "capplan/cost.h"

namespace capplan {
namespace {

constexpr double kSecondsPerHour = 3600.0;
constexpr double kMillion = 1e6;
// Relative slack when comparing costs that are equal on paper (a tier exactly at a crossover).
constexpr double kRelativeTolerance = 1e-9;

}  // namespace

double TokensPerMonth24x7(double output_tokens_per_second, double input_output_ratio) {
  return output_tokens_per_second * (1.0 + input_output_ratio) * kSecondsPerHour * kHoursPerMonth;
}

Result<DeploymentCost> CostOf(const DeploymentInput& in) {
  if (!(in.usd_per_gpu_hour.v > 0))
    return Error::InvalidArgument(fmt::format("usd_per_gpu_hour={} must be > 0", in.usd_per_gpu_hour.v),
                                  "usd_per_gpu_hour");
  if (in.gpu_count < 1)
    return Error::InvalidArgument(fmt::format("gpu_count={} must be >= 1", in.gpu_count), "gpu_count");
  if (!(in.output_tokens_per_second > 0))
    return Error::InvalidArgument(fmt::format("output_tokens_per_second={} must be > 0", in.output_tokens_per_second),
                                  "output_tokens_per_second");
  if (!(in.input_output_ratio >= 0))
    return Error::InvalidArgument(fmt::format("input_output_ratio={} must be >= 0", in.input_output_ratio),
                                  "input_output_ratio");
  if (!(in.utilisation > 0 && in.utilisation <= 1))
    return Error::InvalidArgument(fmt::format("utilisation={} must be in (0, 1]", in.utilisation), "utilisation");

  const DollarsPerHour per_hour = in.usd_per_gpu_hour * in.gpu_count;
  const Dollars per_month{per_hour.v * kHoursPerMonth};
  const double output_per_hour = in.output_tokens_per_second * kSecondsPerHour;
  return DeploymentCost{
      .usd_per_hour = per_hour,
      .usd_per_month_24x7 = per_month,
      .usd_per_month_at_utilisation = per_month * in.utilisation,
      .output_tokens_per_month_24x7 = output_per_hour * kHoursPerMonth,
      .tokens_per_month_24x7 = TokensPerMonth24x7(in.output_tokens_per_second, in.input_output_ratio),
      .usd_per_million_output_tokens = {per_hour.v / output_per_hour * kMillion},
      .usd_per_million_tokens_blended = {per_hour.v / (output_per_hour * (1.0 + in.input_output_ratio)) * kMillion},
  };
}

Dollars EffectiveInputPerMillion(const ApiPrice& p, double f) {
  const Dollars cached = p.usd_per_million_cached_input.value_or(p.usd_per_million_input);
  return p.usd_per_million_input * (1.0 - f) + cached * f;
}

Dollars BlendedPerMillion(const ApiPrice& p, double r, double f) {
  return (EffectiveInputPerMillion(p, f) * r + p.usd_per_million_output) / (1.0 + r);
}

ApiMonthlyCost ApiCost(const ApiPrice& p, double tokens_per_month, double r, double f) {
  const double input = tokens_per_month * r / (1.0 + r);
  const double output = tokens_per_month / (1.0 + r);
  return ApiMonthlyCost{
      .input_tokens = input,
      .output_tokens = output,
      .usd_per_month =
          EffectiveInputPerMillion(p, f) * (input / kMillion) + p.usd_per_million_output * (output / kMillion),
      .usd_per_million_tokens_blended = BlendedPerMillion(p, r, f),
  };
}

std::optional<ApiPrice> BatchTier(const ApiPrice& p) {
  if (!p.usd_per_million_batch_input || !p.usd_per_million_batch_output) return std::nullopt;
  ApiPrice b = p;
  b.provider = p.provider + " (batch)";
  b.usd_per_million_input = *p.usd_per_million_batch_input;
  b.usd_per_million_output = *p.usd_per_million_batch_output;
  b.usd_per_million_cached_input.reset();  // no cached rate is listed for the batch tier
  b.usd_per_million_batch_input.reset();
  b.usd_per_million_batch_output.reset();
  return b;
}

std::vector<double> TierVolumes(double v) {
  std::vector<double> out = {1e9, 1e10, 1e11};
  if (v > 0 && std::isfinite(v))
    for (double t : {v / 10, v, v * 10}) out.push_back(t);
  std::sort(out.begin(), out.end());
  std::vector<double> unique;
  for (double t : out)
    if (unique.empty() || t > unique.back() * 1.001) unique.push_back(t);
  return unique;
}

double CrossoverTokensPerMonth(Dollars self_host_usd_per_month, Dollars api_blended_per_million) {
  return self_host_usd_per_month / api_blended_per_million * kMillion;
}

std::vector<ApiComparison> CompareWithApis(Dollars self_host_usd_per_month, double self_host_tokens_per_month,
                                           const std::vector<ApiPrice>& apis, double tokens_per_month, double r,
                                           double f) {
  std::vector<ApiComparison> out;
  for (const ApiPrice& p : apis) {
    const ApiMonthlyCost api = ApiCost(p, tokens_per_month, r, f);
    const double crossover = CrossoverTokensPerMonth(self_host_usd_per_month, api.usd_per_million_tokens_blended);
    out.push_back({.price = p,
                   .usd_per_month = api.usd_per_month,
                   .usd_per_million_tokens_blended = api.usd_per_million_tokens_blended,
                   .crossover_tokens_per_month = crossover,
                   .crossover_within_capacity = crossover <= self_host_tokens_per_month,
                   .api_cheaper = api.usd_per_month < self_host_usd_per_month});
  }
  return out;
}

ScaledSelfHost ScaledSelfHostCost(Dollars replica_usd_per_month, double replica_tokens_per_month,
                                  double tokens_per_month) {
  // At least one replica: a deployment serving no traffic still costs its rent.
  const int replicas = std::max(
      1, static_cast<int>(std::ceil(tokens_per_month / replica_tokens_per_month * (1.0 - kRelativeTolerance))));
  return {replicas, replica_usd_per_month * replicas};
}

std::optional<double> ScaledCrossoverTokensPerMonth(Dollars replica_usd_per_month, double replica_tokens_per_month,
                                                    Dollars api_blended_per_million) {
  // With F the replica's monthly cost, C its capacity and b the API's blended price, self-hosting costs k*F on
  // volumes in ((k-1)C, kC] and the API V*b. f = F / (C*b) is the replica's cost per token relative to the API's.
  // Step k is cheaper throughout iff k*F <= (k-1)*C*b, i.e. k >= 1 / (1 - f); below that step j is cheaper only
  // above V = j*F/b. So self-hosting stays cheaper above V0 = (k0 - 1) * F / b with k0 = ceil(1 / (1 - f)).
  const double f = replica_usd_per_month.v / (replica_tokens_per_month / kMillion * api_blended_per_million.v);
  if (f >= 1.0) return std::nullopt;
  const double k0 = std::ceil(1.0 / (1.0 - f) * (1.0 - kRelativeTolerance));
  return (k0 - 1.0) * CrossoverTokensPerMonth(replica_usd_per_month, api_blended_per_million);
}

std::vector<TrafficTier> TrafficTiers(Dollars replica_usd_per_month, double replica_tokens_per_month,
                                      double input_output_ratio, const std::vector<ApiPrice>& apis,
                                      const std::vector<double>& tiers_tokens_per_month, double f) {
  std::vector<TrafficTier> out;
  for (double volume : tiers_tokens_per_month) {
    TrafficTier t{.tokens_per_month = volume,
                  .self_host = ScaledSelfHostCost(replica_usd_per_month, replica_tokens_per_month, volume),
                  .apis = {},
                  .cheapest = "self-host"};
    Dollars cheapest = t.self_host.usd_per_month;
    for (const ApiPrice& p : apis) {
      const Dollars usd = ApiCost(p, volume, input_output_ratio, f).usd_per_month;
      t.apis.push_back({p.provider, p.model_text, usd});
      if (usd < cheapest) {
        cheapest = usd;
        t.cheapest = p.provider;
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace capplan
