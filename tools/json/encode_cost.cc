#include "encode_cost.h"

#include <fmt/format.h>

#include "decode.h"
#include "encode_results.h"
#include "fields.h"

namespace capplan::json {
namespace {

nlohmann::json Optional(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

}  // namespace

nlohmann::json EncodeCost(const CostRequest& r, const CostReport& c) {
  nlohmann::json j;
  j["deployment"] = EncodeDeploymentSummary(r.model, r.deployment);
  j["workload"] = {{"input_tokens", r.input_tokens},
                   {"output_tokens", r.output_tokens},
                   {"slo_ttft_p95_seconds", r.slo_ttft_p95.v},
                   {"slo_tpot_p95_seconds", r.slo_tpot_p95.v},
                   {"cached_input_fraction", r.cached_input_fraction},
                   {"tokens_per_month", c.tokens_per_month}};
  j["tier"] = PricingTierName(r.tier);
  j["capacity"] = {{"replicas", c.replicas},
                   {"slo_concurrency_per_replica", c.capacity.slo_concurrency},
                   {"requests_per_second", c.capacity.requests_per_second * c.replicas},
                   {"output_tokens_per_second", c.output_tokens_per_second},
                   {"tokens_per_month_24x7", c.tokens_per_month_capacity},
                   {"prefill_seconds", c.capacity.prefill.v},
                   {"step_seconds_at_slo_concurrency", c.capacity.step_at_slo.v}};
  j["providers"] = nlohmann::json::array();
  for (const ProviderCost& p : c.providers)
    j["providers"].push_back({{"provider", p.quote.row.provider},
                              {"usd_per_hour", p.usd_per_hour.v},
                              {"usd_per_month", p.usd_per_month.v},
                              {"usd_per_million_output_tokens", p.usd_per_million_output_tokens.v},
                              {"gpus_billed", p.quote.billed_gpus},
                              {"gpus_used", p.gpus_used},
                              {"instances", p.quote.instances},
                              {"gpus_per_instance", p.quote.row.gpus_per_instance},
                              {"instance", p.instance},
                              {"usd_per_gpu_hour", p.quote.usd_per_gpu_hour.v},
                              {"as_of", p.quote.row.as_of.text},
                              {"staleness", StalenessName(p.staleness)},
                              {"tier", PricingKindName(p.quote.row.kind)},
                              {"pricing_type", p.quote.row.pricing_type},
                              {"source", p.quote.row.source}});
  j["own"] = nullptr;
  if (c.own) {
    auto part = [](const std::optional<DollarsPerHour>& v) {
      return v ? nlohmann::json(v->v) : nlohmann::json(nullptr);
    };
    j["own"] = {{"usd_per_gpu_hour", c.own->usd_per_gpu_hour.v},
                {"capex_usd_per_gpu_hour", part(c.own->capex_per_gpu_hour)},
                {"power_usd_per_gpu_hour", part(c.own->power_per_gpu_hour)},
                {"hosting_usd_per_gpu_hour", part(c.own->hosting_per_gpu_hour)},
                {"all_in_power_kw_per_gpu", c.own->all_in_power_kw},
                {"basis", c.own->basis}};
  }
  j["spot"] = nullptr;
  if (c.spot)
    j["spot"] = {{"spare_replicas", c.spot->spare_replicas},
                 {"fraction_of_time_down", c.spot->fraction_of_time_down},
                 {"reclaim_window_hours", {c.spot->window_min.v / 3600, c.spot->window_max.v / 3600}},
                 {"replace_seconds", c.replace_time.v},
                 {"note", c.spot->note}};
  j["api_match"] = {{"exact", c.api_match.exact}, {"equivalent", c.api_match.equivalent}, {"why", c.api_match.why}};
  j["serverless"] = nlohmann::json::array();
  for (size_t i = 0; i < c.apis.size(); ++i) {
    const ApiComparison& a = c.apis[i];
    j["serverless"].push_back(
        {{"provider", a.price.provider},
         {"model", a.price.model_text},
         {"usd_per_million_input_tokens", a.price.usd_per_million_input.v},
         {"usd_per_million_cached_input_tokens", a.price.usd_per_million_cached_input
                                                     ? nlohmann::json(a.price.usd_per_million_cached_input->v)
                                                     : nlohmann::json(nullptr)},
         {"usd_per_million_output_tokens", a.price.usd_per_million_output.v},
         {"usd_per_million_tokens_blended", a.usd_per_million_tokens_blended.v},
         {"usd_per_month", a.usd_per_month.v},
         {"crossover_tokens_per_month", a.crossover_tokens_per_month},
         {"api_cheaper", a.api_cheaper},
         {"as_of", a.price.as_of.text},
         {"staleness", StalenessName(c.api_staleness[i])},
         {"source", a.price.source}});
  }
  const EnergyUse& e = c.energy;
  j["energy"] = {{"gpu_tdp_kw", e.gpu_kw},
                 {"kwh_per_month_tdp", e.kwh_per_month_tdp},
                 {"joules_per_output_token_tdp", e.joules_per_output_token_tdp},
                 {"all_in_kw", Optional(e.all_in_kw)},
                 {"kwh_per_month_all_in", Optional(e.kwh_per_month_all_in)},
                 {"joules_per_output_token_all_in", Optional(e.joules_per_output_token_all_in)},
                 {"power_usd_per_month",
                  e.power_usd_per_month ? nlohmann::json(e.power_usd_per_month->v) : nlohmann::json(nullptr)}};
  return j;
}

Result<CostRequest> DecodeCostRequest(const nlohmann::json& body) {
  CAPPLAN_RETURN_IF_ERROR(
      RejectUnknownFields(body, {"model", "gpu", "gpus", "layout", "weights", "kv_dtype", "engine", "max_model_len",
                                 "max_num_seqs", "input", "output", "slo_ttft_p95_seconds", "slo_tpot_p95_seconds",
                                 "pricing", "providers", "cached_input_fraction", "monthly_tokens"}));
  nlohmann::json deployment = body;  // the /api/perf decoder reads the deployment fields and the lengths
  for (const char* k : {"slo_ttft_p95_seconds", "slo_tpot_p95_seconds", "pricing", "providers", "cached_input_fraction",
                        "monthly_tokens"})
    deployment.erase(k);
  CAPPLAN_ASSIGN_OR_RETURN(PerfRequest perf, DecodePerfRequest(deployment));
  CostRequest r;
  r.providers_field = "request: providers";
  r.model = perf.deployment.model;
  r.preset = perf.deployment.preset;
  r.deployment = perf.deployment.deployment;
  r.input_tokens = perf.query.input_tokens;
  r.output_tokens = perf.query.output_tokens;
  CAPPLAN_ASSIGN_OR_RETURN(auto ttft, OptionalNumber(body, "slo_ttft_p95_seconds", 1e-6, 3600));
  CAPPLAN_ASSIGN_OR_RETURN(auto tpot, OptionalNumber(body, "slo_tpot_p95_seconds", 1e-6, 3600));
  if (ttft) r.slo_ttft_p95 = Seconds{*ttft};
  if (tpot) r.slo_tpot_p95 = Seconds{*tpot};
  CAPPLAN_ASSIGN_OR_RETURN(auto pricing, OptionalString(body, "pricing"));
  if (pricing) {
    CAPPLAN_ASSIGN_OR_RETURN(r.tier, ParsePricingTier(*pricing, "request: pricing"));
  }
  CAPPLAN_ASSIGN_OR_RETURN(auto cached, OptionalNumber(body, "cached_input_fraction", 0, 1));
  r.cached_input_fraction = cached.value_or(0);
  CAPPLAN_ASSIGN_OR_RETURN(r.tokens_per_month, OptionalNumber(body, "monthly_tokens", 1, 1e18));
  if (body.contains("providers") && !body["providers"].is_null()) {
    const nlohmann::json& p = body["providers"];
    if (!p.is_array())
      return Error::InvalidArgument(
          fmt::format("{}: providers must be an array of strings, not {}", kRequestSource, DescribeType(p)),
          "providers");
    for (const auto& v : p) {
      if (!v.is_string())
        return Error::InvalidArgument(
            fmt::format("{}: providers must hold strings, not {}", kRequestSource, DescribeType(v)), "providers");
      r.providers.push_back(v.get<std::string>());
    }
  }
  return r;
}

nlohmann::json EncodeFleet(const TrafficProfile& profile, const FleetResult& f) {
  nlohmann::json j = {{"profile", profile.description},
                      {"requests_per_second_by_hour", profile.requests_per_second},
                      {"replicas_by_hour", f.replicas_needed},
                      {"static_replicas", f.static_replicas},
                      {"static_gpu_hours_per_day", f.static_gpu_hours_per_day},
                      {"autoscaled_gpu_hours_per_day", f.autoscaled_gpu_hours_per_day},
                      {"usd_per_month_static", f.usd_per_month_static.v},
                      {"usd_per_month_autoscaled", f.usd_per_month_autoscaled.v},
                      {"scale_up_delay_seconds", f.scale_up_delay.v},
                      {"simulated", f.simulated}};
  j["slo_attainment"] = f.simulated ? nlohmann::json(f.slo_attainment_autoscaled) : nlohmann::json(nullptr);
  j["slo_attainment_static"] = f.simulated ? nlohmann::json(f.slo_attainment_static) : nlohmann::json(nullptr);
  j["ramps"] = nlohmann::json::array();
  for (const FleetSegment& s : f.autoscaled_segments)
    if (s.ramp)
      j["ramps"].push_back(
          {{"hour", s.hour},
           {"seconds", s.duration.v},
           {"replicas_serving", s.replicas},
           {"replicas_needed", f.replicas_needed[s.hour]},
           {"requests_per_second", s.requests_per_second},
           {"slo_attainment", f.simulated ? nlohmann::json(s.slo_attainment) : nlohmann::json(nullptr)}});
  return j;
}

}  // namespace capplan::json
