// A day of traffic through a static and an autoscaled fleet (fleet.h), and a replica's capacity under the SLOs.
#include "capplan/fleet.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

#include "capplan/csv.h"
#include "capplan/search.h"
#include "search/plan_internal.h"

namespace capplan {
namespace {

constexpr int kHours = 24;
constexpr int kDefaultPeakHours = 8;
constexpr int kPeakStartHour = 9;  // office hours: the peak starts at 09:00

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Result<double> Number(std::string_view text, std::string_view where, std::string_view field) {
  text = Trim(text);
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v))
    return Error::InvalidArgument(fmt::format("{}: {}='{}' is not a number", where, field, text), std::string(field));
  return v;
}

// Hour of the day from "YYYY-MM-DDTHH:MM[:SS][Z]" or "YYYY-MM-DD HH:MM[:SS]".
Result<int> HourOf(std::string_view ts, std::string_view where) {
  ts = Trim(ts);
  const bool shape =
      ts.size() >= 16 && (ts[10] == 'T' || ts[10] == ' ') && ts[4] == '-' && ts[7] == '-' && ts[13] == ':';
  int hour = -1;
  if (shape) {
    auto [ptr, ec] = std::from_chars(ts.data() + 11, ts.data() + 13, hour);
    if (ec != std::errc() || ptr != ts.data() + 13) hour = -1;
  }
  if (hour < 0 || hour >= kHours)
    return Error::InvalidArgument(
        fmt::format("{}: timestamp='{}' must be YYYY-MM-DDTHH:MM[:SS] (or with a space for the T)", where, ts),
        "timestamp");
  return hour;
}

Status CheckProfile(const TrafficProfile& p, std::string_view where) {
  if (p.requests_per_second.size() != kHours)
    return Error::InvalidArgument(fmt::format("{}: a profile needs 24 hourly rates", where), "traffic_profile");
  for (double r : p.requests_per_second)
    if (!(r >= 0) || !std::isfinite(r))
      return Error::InvalidArgument(fmt::format("{}: requests_per_second must be >= 0", where), "requests_per_second");
  if (p.PeakRate() <= 0)
    return Error::InvalidArgument(fmt::format("{}: every hour has a rate of 0; give at least one positive rate", where),
                                  "requests_per_second");
  return Ok{};
}

}  // namespace

double TrafficProfile::PeakRate() const {
  return requests_per_second.empty() ? 0 : *std::max_element(requests_per_second.begin(), requests_per_second.end());
}
double TrafficProfile::MeanRate() const {
  if (requests_per_second.empty()) return 0;
  return std::accumulate(requests_per_second.begin(), requests_per_second.end(), 0.0) / requests_per_second.size();
}

Result<TrafficProfile> ParseDiurnalProfile(std::string_view spec, std::string_view flag) {
  const std::string_view prefix = "diurnal:";
  const std::string usage = fmt::format("{}: '{}' must be diurnal:peak=R1,trough=R2[,peak-hours=H]", flag, spec);
  if (!spec.starts_with(prefix)) return Error::InvalidArgument(usage, std::string(flag));
  std::map<std::string, double> values;
  std::string_view rest = spec.substr(prefix.size());
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view item = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) return Error::InvalidArgument(usage, std::string(flag));
    const std::string key = Lower(Trim(item.substr(0, eq)));
    if (key != "peak" && key != "trough" && key != "peak-hours")
      return Error::InvalidArgument(fmt::format("{}: unknown field '{}' (known: peak, trough, peak-hours)", flag, key),
                                    std::string(flag));
    CAPPLAN_ASSIGN_OR_RETURN(values[key], Number(item.substr(eq + 1), flag, key));
  }
  if (!values.contains("peak") || !values.contains("trough")) return Error::InvalidArgument(usage, std::string(flag));
  const double peak = values["peak"], trough = values["trough"];
  const double hours = values.contains("peak-hours") ? values["peak-hours"] : kDefaultPeakHours;
  if (!(peak > 0)) return Error::InvalidArgument(fmt::format("{}: peak={} must be > 0", flag, peak), "peak");
  if (!(trough >= 0) || trough > peak)
    return Error::InvalidArgument(fmt::format("{}: trough={} must be in [0, peak]", flag, trough), "trough");
  if (hours != std::floor(hours) || hours < 1 || hours > 22)
    return Error::InvalidArgument(fmt::format("{}: peak-hours={} must be a whole number in [1, 22]", flag, hours),
                                  "peak-hours");
  const int h = static_cast<int>(hours);
  TrafficProfile p;
  p.requests_per_second.assign(kHours, trough);
  for (int i = 0; i < h; ++i) p.requests_per_second[(kPeakStartHour + i) % kHours] = peak;
  p.requests_per_second[(kPeakStartHour - 1 + kHours) % kHours] = (peak + trough) / 2;  // ramp up
  p.requests_per_second[(kPeakStartHour + h) % kHours] = (peak + trough) / 2;           // ramp down
  p.description = fmt::format("diurnal: peak {:g} req/s for {} h from {:02d}:00, trough {:g} req/s, one-hour ramps",
                              peak, h, kPeakStartHour, trough);
  return p;
}

Result<TrafficProfile> ParseTrafficCsv(std::string_view text, std::string_view source) {
  CAPPLAN_ASSIGN_OR_RETURN(CsvTable table, ParseCsv(text, source));
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < table.header.size(); ++i) col[Lower(Trim(table.header[i]))] = i;
  const std::string header_at = fmt::format("{}:{}", source, table.header_line);
  const bool by_hour = col.contains("hour"), by_time = col.contains("timestamp");
  if (by_hour == by_time || !col.contains("requests_per_second"))
    return Error::Parse(fmt::format("{}: header must name requests_per_second and one of hour, timestamp", header_at));
  std::vector<double> sum(kHours, 0.0);
  std::vector<int> count(kHours, 0);
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const auto& f = table.rows[r];
    const std::string where = fmt::format("{}:{}", source, table.lines[r]);
    int hour = 0;
    if (by_hour) {
      CAPPLAN_ASSIGN_OR_RETURN(double h, Number(f[col["hour"]], where, "hour"));
      if (h != std::floor(h) || h < 0 || h >= kHours)
        return Error::InvalidArgument(fmt::format("{}: hour={} must be a whole number in [0, 23]", where, h), "hour");
      hour = static_cast<int>(h);
      if (count[hour] > 0) return Error::InvalidArgument(fmt::format("{}: hour {} appears twice", where, hour), "hour");
    } else {
      CAPPLAN_ASSIGN_OR_RETURN(hour, HourOf(f[col["timestamp"]], where));
    }
    CAPPLAN_ASSIGN_OR_RETURN(double rate, Number(f[col["requests_per_second"]], where, "requests_per_second"));
    if (rate < 0)
      return Error::InvalidArgument(fmt::format("{}: requests_per_second={} must be >= 0", where, rate),
                                    "requests_per_second");
    sum[hour] += rate;
    ++count[hour];
  }
  TrafficProfile p;
  for (int h = 0; h < kHours; ++h) {
    if (count[h] == 0)
      return Error::InvalidArgument(
          fmt::format("{}: no rate for hour {:02d}:00; every hour of the day is needed", source, h), "hour");
    p.requests_per_second.push_back(sum[h] / count[h]);
  }
  CAPPLAN_RETURN_IF_ERROR(CheckProfile(p, source));
  p.description = fmt::format("{} ({} rows{})", source, table.rows.size(), by_time ? ", averaged per hour" : "");
  return p;
}

SloCapacity ReplicaSloCapacity(const ModelSpec& m, const Deployment& d, const MemoryBudget& budget,
                               int64_t input_tokens, int64_t output_tokens, Seconds slo_ttft_p95,
                               Seconds slo_tpot_p95) {
  SloCapacity c;
  const PerfCalibration cal = CalibrationFor(d);
  const RooflineStepTimeModel model(m, d, cal);
  const int cap = std::max(1, std::min(budget.max_concurrent_sequences, EngineMaxBatch(d, cal)));
  c.prefill = PrefillTime(model, input_tokens);
  c.step_at_one = SteadyState(model, 1, input_tokens, output_tokens).step;
  const Seconds tpot_target = slo_tpot_p95 * kTpotScreenMargin;
  if (c.prefill > slo_ttft_p95 * kTtftScreenMargin) {
    c.why_not = fmt::format("prefill of {} tokens takes {}, above {:.0f}% of the p95 TTFT target {}", input_tokens,
                            FormatSeconds(c.prefill), kTtftScreenMargin * 100, FormatSeconds(slo_ttft_p95));
    return c;
  }
  if (c.step_at_one > tpot_target) {
    c.why_not = fmt::format("one sequence's decode step takes {}, above {:.0f}% of the p95 TPOT target {}",
                            FormatSeconds(c.step_at_one), kTpotScreenMargin * 100, FormatSeconds(slo_tpot_p95));
    return c;
  }
  int lo = 1, hi = cap;
  while (lo < hi) {
    const int mid = lo + (hi - lo + 1) / 2;
    if (SteadyState(model, mid, input_tokens, output_tokens).step <= tpot_target)
      lo = mid;
    else
      hi = mid - 1;
  }
  const MaxLoad at = SteadyState(model, lo, input_tokens, output_tokens);
  c.meets_slo = true;
  c.slo_concurrency = lo;
  c.step_at_slo = at.step;
  c.requests_per_second = at.requests_per_second;
  c.output_tokens_per_second = at.requests_per_second * static_cast<double>(output_tokens);
  return c;
}

Seconds ScaleUpDelay(Bytes weight_bytes, BytesPerSec storage_bandwidth, Seconds engine_startup) {
  return weight_bytes / storage_bandwidth + engine_startup;
}

namespace {

// The share of the completed requests arriving in [from, to) that meet both bounds, and their count.
std::pair<double, int64_t> AttainmentBetween(const SimResult& r, Seconds ttft, Seconds tpot, Seconds from, Seconds to) {
  int64_t done = 0, met = 0;
  for (const RequestRecord& q : r.requests) {
    if (!q.finished_at || !q.first_token_at || q.arrival < from || !(q.arrival < to)) continue;
    ++done;
    const Seconds t = *q.first_token_at - q.arrival;
    const Seconds per_token =
        q.output_tokens > 1 ? (*q.finished_at - *q.first_token_at) / (q.output_tokens - 1.0) : Seconds{0};
    if (t <= ttft && per_token <= tpot) ++met;
  }
  return {done == 0 ? 0.0 : static_cast<double>(met) / static_cast<double>(done), done};
}

}  // namespace

double SloAttainment(const SimResult& r, Seconds ttft, Seconds tpot) {
  return AttainmentBetween(r, ttft, tpot, Seconds{-std::numeric_limits<double>::infinity()},
                           Seconds{std::numeric_limits<double>::infinity()})
      .first;
}

namespace {

// Simulates `segment` (its rate, replicas, duration) and fills its attainment; results are cached by shape.
struct SegmentSimulator {
  const FleetInput& in;
  // One deployment all day: its step times are remembered across the day's simulations (decode context binned).
  const plan_internal::CachedStepTimeModel& model;
  std::map<std::tuple<double, int, int64_t>, std::pair<double, int64_t>> cache;

  Status Run(FleetSegment& s) {
    s.requests = s.requests_per_second * s.duration.v;
    if (s.requests_per_second <= 0 || s.duration.v <= 0) {
      s.slo_attainment = 1.0;  // no request arrives: none misses
      return Ok{};
    }
    const int64_t n = std::clamp<int64_t>(static_cast<int64_t>(std::ceil(s.requests)), 1, in.max_requests_per_segment);
    const auto key = std::make_tuple(s.requests_per_second, s.replicas, n);
    if (auto it = cache.find(key); it != cache.end()) {
      std::tie(s.slo_attainment, s.simulated_requests) = it->second;
      return Ok{};
    }
    CAPPLAN_ASSIGN_OR_RETURN(SimResult res, Simulate(s.requests_per_second, s.replicas, {}, n));
    s.slo_attainment = SloAttainment(res, in.slo_ttft_p95, in.slo_tpot_p95);
    s.simulated_requests = n;
    cache[key] = {s.slo_attainment, n};
    return Ok{};
  }

  // A scale-up hour as one simulation, so that the backlog the ramp builds is served after it: `post.replicas`
  // replicas of which the first `ramp.replicas` serve from the start of the hour and the rest from the end of the
  // ramp. The ramp's attainment is that of the requests arriving during it; the post-ramp stretch weighs the
  // requests simulated after the ramp (backlog carried) with its steady state (`post` simulated alone) for the rest
  // of the hour. The simulation covers up to twice the ramp, at most 2 x max_requests_per_segment requests; when
  // that cuts the ramp short (a high rate and a long ramp) its later, more backlogged part is not simulated.
  Status RunScaleUp(FleetSegment& ramp, FleetSegment& post) {
    CAPPLAN_RETURN_IF_ERROR(Run(post));  // the steady part, from empty
    ramp.requests = ramp.requests_per_second * ramp.duration.v;
    if (ramp.requests_per_second <= 0) {
      ramp.slo_attainment = 1.0;
      return Ok{};
    }
    const double rate = ramp.requests_per_second;
    const Seconds ramp_end = ramp.duration;
    const double span = std::min(ramp.duration.v + post.duration.v, 2 * ramp.duration.v);
    const int64_t n =
        std::clamp<int64_t>(static_cast<int64_t>(std::ceil(rate * span)), 1, 2 * in.max_requests_per_segment);
    std::vector<Seconds> ready(static_cast<size_t>(post.replicas), ramp_end);
    std::fill_n(ready.begin(), std::min(ramp.replicas, post.replicas), Seconds{0});
    CAPPLAN_ASSIGN_OR_RETURN(SimResult res, Simulate(rate, post.replicas, std::move(ready), n));
    const Seconds inf{std::numeric_limits<double>::infinity()};
    const auto [during, during_n] = AttainmentBetween(res, in.slo_ttft_p95, in.slo_tpot_p95, Seconds{0}, ramp_end);
    const auto [after, after_n] = AttainmentBetween(res, in.slo_ttft_p95, in.slo_tpot_p95, ramp_end, inf);
    ramp.slo_attainment = during_n > 0 ? during : 1.0;
    ramp.simulated_requests = during_n;
    // The simulated requests after the ramp stand for that many of the post-ramp stretch's; the rest run at the
    // steady attainment.
    const double carried = std::min(static_cast<double>(after_n), post.requests);
    if (post.requests > 0 && carried > 0)
      post.slo_attainment = (carried * after + (post.requests - carried) * post.slo_attainment) / post.requests;
    post.simulated_requests += after_n;
    return Ok{};
  }

 private:
  Result<SimResult> Simulate(double rate, int replicas, std::vector<Seconds> ready_at, int64_t n) const {
    SimConfig cfg;
    cfg.replicas = replicas;
    cfg.load_balancer = LoadBalancer::kLeastOutstandingRequests;
    cfg.scheduler = in.scheduler;
    cfg.seed = in.seed;
    cfg.record_requests = true;
    cfg.replica_ready_at = std::move(ready_at);
    cfg.limits.budget = in.budget;
    WorkloadSpec w;
    w.arrival = ArrivalProcess::kPoisson;
    w.rate_per_second = rate;
    w.input = {.kind = LengthDistribution::kFixed, .value = in.input_tokens};
    w.output = {.kind = LengthDistribution::kFixed, .value = in.output_tokens};
    w.num_requests = n;
    return capplan::Simulate(cfg, w, model);
  }
};

double Weighted(const std::vector<FleetSegment>& segments) {
  double req = 0, met = 0;
  for (const auto& s : segments) {
    req += s.requests;
    met += s.requests * s.slo_attainment;
  }
  return req > 0 ? met / req : 1.0;
}

}  // namespace

Result<FleetResult> SimulateFleetDay(const FleetInput& in) {
  CAPPLAN_RETURN_IF_ERROR(CheckProfile(in.profile, "--traffic-profile"));
  if (!(in.replica_capacity_rps > 0))
    return Error::InvalidArgument("fleet: replica_capacity_rps must be > 0", "replica_capacity_rps");
  if (!(in.headroom > 0 && in.headroom <= 1))
    return Error::InvalidArgument("fleet: headroom must be in (0, 1]", "headroom");
  if (!(in.scale_up_delay.v >= 0) || in.scale_up_delay.v > 3600)
    return Error::InvalidArgument(
        fmt::format("fleet: scale-up delay {} must be within an hour", FormatSeconds(in.scale_up_delay)),
        "scale_up_delay");
  FleetResult out;
  out.scale_up_delay = in.scale_up_delay;
  auto need = [&](double rate) { return std::ceil(rate / (in.replica_capacity_rps * in.headroom) - 1e-9); };
  const double peak = in.profile.PeakRate();
  if (need(peak) > in.max_replicas)
    return Error::ResourceLimit(fmt::format("fleet: {:g} req/s needs {:.0f} replicas, above the limit of {}", peak,
                                            need(peak), in.max_replicas),
                                "max_replicas");
  for (double rate : in.profile.requests_per_second)
    out.replicas_needed.push_back(std::max(1, static_cast<int>(need(rate))));
  out.static_replicas = *std::max_element(out.replicas_needed.begin(), out.replicas_needed.end());
  out.static_gpu_hours_per_day = static_cast<double>(out.static_replicas) * in.gpus_per_replica * kHours;
  for (int n : out.replicas_needed) out.autoscaled_gpu_hours_per_day += static_cast<double>(n) * in.gpus_per_replica;
  const double days_per_month = kHoursPerMonth / kHours;
  out.usd_per_month_static = Dollars{out.static_gpu_hours_per_day * days_per_month * in.usd_per_gpu_hour.v};
  out.usd_per_month_autoscaled = Dollars{out.autoscaled_gpu_hours_per_day * days_per_month * in.usd_per_gpu_hour.v};

  // The day as segments: static = the peak fleet all day; autoscaled = each hour's fleet, after a ramp segment
  // wherever the hour needs more replicas than the previous one (the day wraps: hour 0 follows hour 23).
  const Seconds hour{3600.0};
  for (int h = 0; h < kHours; ++h) {
    const double rate = in.profile.requests_per_second[h];
    out.static_segments.push_back(
        {.hour = h, .start = {}, .duration = hour, .requests_per_second = rate, .replicas = out.static_replicas});
    const int before = out.replicas_needed[(h + kHours - 1) % kHours], now = out.replicas_needed[h];
    if (now > before && in.scale_up_delay.v > 0) {
      out.autoscaled_segments.push_back({.hour = h,
                                         .start = {},
                                         .duration = in.scale_up_delay,
                                         .requests_per_second = rate,
                                         .replicas = before,
                                         .ramp = true});
      out.autoscaled_segments.push_back({.hour = h,
                                         .start = in.scale_up_delay,
                                         .duration = hour - in.scale_up_delay,
                                         .requests_per_second = rate,
                                         .replicas = now});
    } else {
      out.autoscaled_segments.push_back(
          {.hour = h, .start = {}, .duration = hour, .requests_per_second = rate, .replicas = now});
    }
  }
  for (auto& s : out.static_segments) s.requests = s.requests_per_second * s.duration.v;
  for (auto& s : out.autoscaled_segments) s.requests = s.requests_per_second * s.duration.v;
  if (in.model == nullptr) return out;

  const plan_internal::CachedStepTimeModel cached(*in.model);
  SegmentSimulator sim{in, cached, {}};
  for (auto& s : out.static_segments) CAPPLAN_RETURN_IF_ERROR(sim.Run(s));
  auto& autoscaled = out.autoscaled_segments;
  for (size_t i = 0; i < autoscaled.size(); ++i) {
    if (autoscaled[i].ramp && i + 1 < autoscaled.size()) {
      CAPPLAN_RETURN_IF_ERROR(sim.RunScaleUp(autoscaled[i], autoscaled[i + 1]));
      ++i;
    } else {
      CAPPLAN_RETURN_IF_ERROR(sim.Run(autoscaled[i]));
    }
  }
  out.simulated = true;
  out.slo_attainment_static = Weighted(out.static_segments);
  out.slo_attainment_autoscaled = Weighted(out.autoscaled_segments);
  return out;
}

}  // namespace capplan
