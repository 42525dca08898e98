#include "fleet_plan.h"

#include <fmt/format.h>

#include <algorithm>

#include "capplan/perf.h"
#include "encode_cost.h"
#include "encode_results.h"
#include "fields.h"

namespace capplan::json {

Result<FleetResult> DayOfTraffic(const PlanRequest& r, const Candidate& c, const TrafficProfile& profile,
                                 const FleetOptions& o, bool simulate) {
  const RooflineStepTimeModel model(r.model, c.deployment, CalibrationFor(c.deployment));
  FleetInput in;
  in.profile = profile;
  in.replica_capacity_rps = c.replica_capacity_rps;
  in.gpus_per_replica = c.deployment.parallel.GpusPerReplica();
  in.usd_per_gpu_hour = c.quote.usd_per_gpu_hour;
  in.scale_up_delay =
      ScaleUpDelay(WeightBytesOf(r.model, c.deployment.weights).Total(), o.storage_bandwidth, o.engine_startup);
  in.max_replicas = r.max_replicas;
  in.model = simulate ? &model : nullptr;
  in.scheduler = SchedulerFor(c.deployment, c.memory, c.slo_concurrency);
  in.input_tokens = r.input_tokens;
  in.output_tokens = r.output_tokens;
  in.slo_ttft_p95 = r.slo_ttft_p95;
  in.slo_tpot_p95 = r.slo_tpot_p95;
  in.max_requests_per_segment = std::max<int64_t>(1, o.max_requests_per_segment);
  in.seed = r.seed;
  in.budget = o.budget;
  return SimulateFleetDay(in);
}

Result<FleetPlan> PlanFleet(const PlanRequest& r, const PlanResult& plan, const TrafficProfile& profile,
                            const FleetOptions& o) {
  std::optional<FleetResult> best;
  const Candidate* of = nullptr;
  for (const Candidate& c : plan.candidates) {
    if (!c.meets_slo || c.disagg) continue;  // the fleet scales whole replicas: aggregated candidates only
    auto f = DayOfTraffic(r, c, profile, o, false);
    if (f.ok() && (!best || f->usd_per_month_autoscaled < best->usd_per_month_autoscaled)) {
      best = *f;
      of = &c;
    }
  }
  if (!of) return Error::Infeasible("no candidate can serve the traffic profile");
  CAPPLAN_ASSIGN_OR_RETURN(FleetResult fleet, DayOfTraffic(r, *of, profile, o, true));
  // The APIs at the same daily traffic against the autoscaled fleet's bill (its capacity: the peak fleet's).
  const double ratio = static_cast<double>(r.input_tokens) / r.output_tokens;
  const double capacity = TokensPerMonth24x7(of->replica_capacity_rps * r.output_tokens, ratio) * fleet.static_replicas;
  std::vector<ApiComparison> apis = CompareWithApis(fleet.usd_per_month_autoscaled, capacity, plan.api_match.rows,
                                                    plan.tokens_per_month, ratio, r.cached_input_fraction);
  return FleetPlan{.fleet = std::move(fleet), .candidate = *of, .apis = std::move(apis)};
}

nlohmann::json EncodeFleetPlan(const TrafficProfile& profile, const FleetPlan& f, const Candidate& best) {
  nlohmann::json j = EncodeFleet(profile, f.fleet);
  j["candidate"] = EncodeCandidate(f.candidate);
  j["usd_per_month_recommendation_24x7"] = best.usd_per_month.v;
  j["api_comparison"] = nlohmann::json::array();
  for (const ApiComparison& a : f.apis)
    j["api_comparison"].push_back({{"provider", a.price.provider},
                                   {"usd_per_month", a.usd_per_month.v},
                                   {"api_cheaper", a.api_cheaper},
                                   {"crossover_tokens_per_month", a.crossover_tokens_per_month},
                                   {"as_of", a.price.as_of.text}});
  return j;
}

Result<TrafficProfile> DecodeTrafficProfile(const nlohmann::json& v) {
  constexpr std::string_view kField = "traffic_profile";
  if (v.is_string()) {
    Result<TrafficProfile> p = ParseDiurnalProfile(v.get<std::string>(), "request: traffic_profile");
    if (!p.ok()) {
      Error e = p.error();
      e.field = std::string(kField);  // the library names the part (peak, trough); the page has one field
      return e;
    }
    return p;
  }
  if (!v.is_array() || v.size() != 24)
    return Error::InvalidArgument(
        fmt::format("{}: traffic_profile must be diurnal:peak=R1,trough=R2[,peak-hours=H] or an array of 24 hourly "
                    "requests/s, not {}",
                    kRequestSource, v.is_array() ? fmt::format("an array of {}", v.size()) : DescribeType(v)),
        std::string(kField));
  TrafficProfile p;
  for (size_t h = 0; h < v.size(); ++h) {
    const nlohmann::json& x = v[h];
    if (!x.is_number() || !(x.get<double>() >= 0) || x.get<double>() > 1e6)
      return Error::InvalidArgument(
          fmt::format("{}: traffic_profile[{}] must be a number of requests/s in [0, 1e6], not {}", kRequestSource, h,
                      x.is_number() ? x.dump() : DescribeType(x)),
          std::string(kField));
    p.requests_per_second.push_back(x.get<double>());
  }
  if (p.PeakRate() <= 0)
    return Error::InvalidArgument(
        fmt::format("{}: traffic_profile has a rate of 0 every hour; give at least one positive rate", kRequestSource),
        std::string(kField));
  const bool flat = std::all_of(p.requests_per_second.begin(), p.requests_per_second.end(),
                                [&](double r) { return r == p.requests_per_second.front(); });
  p.description = flat ? fmt::format("flat: {:g} req/s all day", p.PeakRate())
                       : fmt::format("24 hourly rates: peak {:g} req/s, mean {:.3g} req/s", p.PeakRate(), p.MeanRate());
  return p;
}

}  // namespace capplan::json
