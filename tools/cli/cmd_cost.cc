// `capplan cost`: one deployment priced by every provider that rents its GPU (or owned), at its capacity under the
// SLOs: $/hour, $/month (24x7), $ per million output tokens, the instance billed, the price date and tier; then the
// serverless APIs for the same model and the energy the GPUs draw.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "capplan/cost_report.h"
#include "capplan/hardware.h"
#include "cli_util.h"
#include "commands.h"
#include "deployment_flags.h"
#include "encode_cost.h"
#include "price_flags.h"

namespace capplan::cli {
namespace {

struct CostOptions {
  std::string model = "llama-4-scout";
  DeploymentFlags deployment;
  int64_t input = 1000;
  int64_t output = 500;
  double slo_ttft = 1.0;
  double slo_tpot = 0.050;
  std::vector<std::string> providers;
  std::optional<double> monthly_tokens;
  double storage_gbps = kDefaultStorageBandwidth.v / 1e9;
  double engine_startup_s = kDefaultEngineStartup.v;
  TierFlags tier;
  PriceFlags prices;
  bool json = false;
};

std::string Billions(double tokens) { return fmt::format("{:.2f}B", tokens / 1e9); }

int RunCost(CostOptions& o) {
  auto m = LoadModel(o.model);
  if (!m.ok()) return ReportError(m.error());
  auto d = BuildDeployment(*m, o.deployment);
  if (!d.ok()) return ReportError(d.error());
  auto today = Today(o.prices);
  if (!today.ok()) return ReportError(today.error());
  auto prices = LoadPrices(o.prices, *today);
  if (!prices.ok()) return ReportError(prices.error());
  auto tier = ResolveTier(o.tier);
  if (!tier.ok()) return ReportError(tier.error());
  if (o.monthly_tokens && !(*o.monthly_tokens > 0))
    return ReportError(Error::InvalidArgument("--monthly-tokens must be positive", "--monthly-tokens"));

  CostRequest r;
  r.model = *m;
  r.preset = o.model;
  r.deployment = *d;
  r.input_tokens = o.input;
  r.output_tokens = o.output;
  r.slo_ttft_p95 = Seconds{o.slo_ttft};
  r.slo_tpot_p95 = Seconds{o.slo_tpot};
  r.tier = *tier;
  r.own = o.tier.own;
  r.providers = o.providers;
  r.cached_input_fraction = o.tier.cached_input_fraction;
  r.tokens_per_month = o.monthly_tokens;
  r.storage_bandwidth = GBps(o.storage_gbps);
  r.engine_startup = Seconds{o.engine_startup_s};
  auto c = CostDeployment(r, *prices, *today, o.prices.max_age_days);
  if (!c.ok()) return ReportError(c.error());
  if (o.json) {
    nlohmann::json j = json::EncodeCost(r, *c);
    j["today"] = FormatDate(*today);
    PrintJson(j);
    return 0;
  }

  const int gpus = d->parallel.TotalGpus();
  fmt::print("capplan cost: {} on {} x {} ({}), weights {}\n", o.model, gpus, d->gpu.name, LayoutName(d->parallel),
             WeightsName(*m, o.deployment.weights));
  fmt::print(
      "Capacity under p95 TTFT <= {} and p95 TPOT <= {} ({} in + {} out tokens per request): {:.2f} requests/s, "
      "{:.0f} output tok/s ({} sequences per replica, {} replica(s)); {} tokens a month 24x7.\n",
      FormatSeconds(r.slo_ttft_p95), FormatSeconds(r.slo_tpot_p95), o.input, o.output,
      c->capacity.requests_per_second * c->replicas, c->output_tokens_per_second, c->capacity.slo_concurrency,
      c->replicas, Billions(c->tokens_per_month_capacity));
  fmt::print("Tier {}; a month is 730 hours; prices judged on {} (stale after {} days).\n\n", PricingTierName(r.tier),
             FormatDate(*today), o.prices.max_age_days);

  fmt::print("{:<32} {:>10} {:>12} {:>10}  {:<48} {:<30} {}\n", "Provider", "$/hour", "$/month", "$/M out",
             "Instance billed", "As of", "Tier");
  for (const ProviderCost& p : c->providers)
    fmt::print("{:<32} {:>10} {:>12} {:>10}  {:<48} {:<30} {}\n", p.quote.row.provider,
               FormatDollars(Dollars{p.usd_per_hour.v}), FormatDollars(p.usd_per_month),
               fmt::format("${:.3f}", p.usd_per_million_output_tokens.v), p.instance,
               DateLabel(p.quote.row.as_of, *today, o.prices.max_age_days), p.quote.row.pricing_type);
  if (c->own)
    fmt::print("\nOwning: {}/GPU-hour ({}){}.\n", FormatDollars(Dollars{c->own->usd_per_gpu_hour.v}), c->own->basis,
               c->own->capex_per_gpu_hour
                   ? fmt::format(" = capex {:.3f} + power {:.3f} + hosting {:.3f}", c->own->capex_per_gpu_hour->v,
                                 c->own->power_per_gpu_hour->v, c->own->hosting_per_gpu_hour->v)
                   : "");
  if (c->spot)
    fmt::print(
        "\nSpot: {}. With {} spare replica(s) the fleet is {} replicas; a replica takes {} to replace "
        "(weights at {:g} GB/s + {:g} s engine start-up).\n",
        c->spot->note, c->spot->spare_replicas, c->replicas + c->spot->spare_replicas, FormatSeconds(c->replace_time),
        o.storage_gbps, o.engine_startup_s);

  fmt::print("\nSERVERLESS APIs for the same {} tokens a month{}{}\n", Billions(c->tokens_per_month),
             o.monthly_tokens ? "" : " (the deployment's 24x7 capacity)",
             o.tier.cached_input_fraction > 0
                 ? fmt::format(", {:.0f}% of input at the cached rate where listed", o.tier.cached_input_fraction * 100)
                 : "");
  if (!c->api_match.exact && !c->api_match.rows.empty())
    fmt::print("  no API serves {}; nearest priced equivalent: {} ({})\n", o.model, c->api_match.equivalent,
               c->api_match.why);
  if (c->apis.empty()) fmt::print("  none priced: {}\n", c->api_match.why);
  for (size_t i = 0; i < c->apis.size(); ++i) {
    const ApiComparison& a = c->apis[i];
    fmt::print("  {:<26} ${:.3f} in / ${:.3f} out per M {:<32} {:>12}/month  {}\n", a.price.provider,
               a.price.usd_per_million_input.v, a.price.usd_per_million_output.v,
               fmt::format("({})", DateLabel(a.price.as_of, *today, o.prices.max_age_days)),
               FormatDollars(a.usd_per_month),
               a.api_cheaper ? "cheaper than this deployment" : "dearer than this deployment");
  }
  const EnergyUse& e = c->energy;
  fmt::print(
      "\nENERGY at full load (an upper bound): GPUs {:.1f} kW at TDP = {:.0f} kWh/month, {:.2f} J per output "
      "token",
      e.gpu_kw, e.kwh_per_month_tdp, e.joules_per_output_token_tdp);
  if (e.all_in_kw)
    fmt::print("; all-in (TCO table, host and cooling share) {:.1f} kW = {:.0f} kWh/month, {:.2f} J per output token",
               *e.all_in_kw, *e.kwh_per_month_all_in, *e.joules_per_output_token_all_in);
  if (e.power_usd_per_month) fmt::print("; power {}/month", FormatDollars(*e.power_usd_per_month));
  fmt::print(".\n");
  return 0;
}

}  // namespace

void RegisterCost(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<CostOptions>();
  CLI::App* cmd = app.add_subcommand(
      "cost", "One deployment priced by every provider of its GPU, at its capacity under the SLOs, beside the APIs");
  cmd->add_option("model", opt->model, "preset name or path to a config.json")->capture_default_str();
  AddDeploymentFlags(*cmd, opt->deployment);
  cmd->add_option("--input", opt->input, "input tokens per request")->capture_default_str();
  cmd->add_option("--output", opt->output, "output tokens per request")->capture_default_str();
  cmd->add_option("--slo-ttft-p95", opt->slo_ttft, "p95 time-to-first-token target, seconds")->capture_default_str();
  cmd->add_option("--slo-tpot-p95", opt->slo_tpot, "p95 time-per-output-token target, seconds")->capture_default_str();
  cmd->add_option("--provider,--providers", opt->providers, "only these providers (comma-separated)")->delimiter(',');
  cmd->add_option("--monthly-tokens", opt->monthly_tokens,
                  "volume for the API comparison, input + output tokens a month (default: the deployment's capacity)");
  cmd->add_option("--storage-gbps", opt->storage_gbps, "storage read bandwidth for loading weights, GB/s")
      ->capture_default_str();
  cmd->add_option("--engine-startup-s", opt->engine_startup_s, "engine start-up after the weights load, seconds")
      ->capture_default_str();
  AddTierFlags(*cmd, opt->tier);
  AddPriceFlags(*cmd, opt->prices);
  cmd->add_flag("--json", opt->json, "machine-readable output");
  cmd->callback([opt, &exit_code] { exit_code = RunCost(*opt); });
}

}  // namespace capplan::cli
