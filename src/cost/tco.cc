// The TCO table (owning vs 3-year rental per GPU-hour), pricing tiers, the cost of owning and the cost of spot.
#include "cost/tco.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <utility>

#include "capplan/csv.h"
#include "capplan/hardware.h"
#include "cost/text.h"

namespace capplan {
namespace cost_internal {
namespace {

const std::vector<std::string> kTcoColumns = {"gpu",
                                              "own_hyperscaler_usd_per_gpu_hour",
                                              "own_neocloud_usd_per_gpu_hour",
                                              "rental_3y_usd_per_gpu_hour",
                                              "all_in_power_kw_per_gpu",
                                              "as_of",
                                              "source"};

Result<double> Positive(std::string_view text, std::string_view where, std::string_view field) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size())
    return Error::Parse(fmt::format("{}: {}='{}' is not a number", where, field, text), std::string(field));
  if (!(v > 0) || !std::isfinite(v))
    return Error::InvalidArgument(fmt::format("{}: {}={} must be > 0", where, field, text), std::string(field));
  return v;
}

}  // namespace

Result<std::vector<TcoRow>> ParseTco(std::string_view text, std::string_view source) {
  CAPPLAN_ASSIGN_OR_RETURN(CsvTable table, ParseCsv(text, source));
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < table.header.size(); ++i) col[Lower(Trim(table.header[i]))] = i;
  for (const auto& c : kTcoColumns)
    if (!col.contains(c))
      return Error::Parse(fmt::format("{}:{}: header lacks the column '{}'", source, table.header_line, c), c);
  std::vector<TcoRow> out;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const auto& f = table.rows[r];
    const std::string where = fmt::format("{}:{}", source, table.lines[r]);
    auto get = [&](const std::string& c) { return Trim(f[col.at(c)]); };
    TcoRow t;
    t.gpu_text = std::string(get("gpu"));
    // The table names GPU families ("H100", "GB200"): each is the catalog GPU that family name is an alias of (the
    // HGX / SXM board, GB200 per GPU); else a provider wording.
    if (auto g = GpuCatalog::BuiltIn().Find(t.gpu_text); g.ok()) t.gpu_id = g->id;
    if (t.gpu_id.empty()) t.gpu_id = MapGpuText(t.gpu_text).value_or("");
    if (t.gpu_id.empty())
      return Error::NotFound(fmt::format("{}: gpu='{}' is not a known GPU", where, t.gpu_text), "gpu");
    CAPPLAN_ASSIGN_OR_RETURN(double hyper, Positive(get(kTcoColumns[1]), where, kTcoColumns[1]));
    CAPPLAN_ASSIGN_OR_RETURN(double neo, Positive(get(kTcoColumns[2]), where, kTcoColumns[2]));
    CAPPLAN_ASSIGN_OR_RETURN(double rent, Positive(get(kTcoColumns[3]), where, kTcoColumns[3]));
    CAPPLAN_ASSIGN_OR_RETURN(double kw, Positive(get(kTcoColumns[4]), where, kTcoColumns[4]));
    CAPPLAN_ASSIGN_OR_RETURN(t.as_of, ParsePriceDate(get("as_of"), where));
    t.own_hyperscaler = {hyper};
    t.own_neocloud = {neo};
    t.rental_3y = {rent};
    t.all_in_power_kw = kw;
    t.source = std::string(get("source"));
    out.push_back(std::move(t));
  }
  return out;
}

GpuPrice RentalRow(const TcoRow& t) {
  return GpuPrice{.provider = "3-year rental (InferenceX TCO)",
                  .gpu_text = t.gpu_text,
                  .gpu_id = t.gpu_id,
                  .gpus_per_instance = 1,
                  .usd_per_gpu_hour = t.rental_3y,
                  .pricing_type = "reserved 3-year (market rental rate, all-in)",
                  .kind = PricingKind::kReserved3y,
                  .as_of = t.as_of,
                  .source = t.source,
                  .origin = "built-in"};
}

}  // namespace cost_internal

Result<PricingTier> ParsePricingTier(std::string_view text, std::string_view flag) {
  for (PricingTier t : {PricingTier::kOnDemand, PricingTier::kReserved1y, PricingTier::kReserved3y, PricingTier::kSpot,
                        PricingTier::kOwn})
    if (text == PricingTierName(t)) return t;
  return Error::InvalidArgument(
      fmt::format("{}: '{}' must be one of on-demand, reserved-1y, reserved-3y, spot, own", flag, text),
      std::string(flag));
}

const char* PricingTierName(PricingTier t) {
  switch (t) {
    case PricingTier::kOnDemand:
      return "on-demand";
    case PricingTier::kReserved1y:
      return "reserved-1y";
    case PricingTier::kReserved3y:
      return "reserved-3y";
    case PricingTier::kSpot:
      return "spot";
    case PricingTier::kOwn:
      return "own";
  }
  return "on-demand";
}

std::vector<PricingKind> KindsFor(PricingTier t) {
  switch (t) {
    case PricingTier::kOnDemand:
      return {PricingKind::kOnDemand, PricingKind::kOverride};
    case PricingTier::kReserved1y:
      return {PricingKind::kReserved1y};
    case PricingTier::kReserved3y:
      return {PricingKind::kReserved3y};
    case PricingTier::kSpot:
      return {PricingKind::kSpot};
    case PricingTier::kOwn:
      return {};
  }
  return {};
}

Result<OwnGpuHour> OwnCostPerGpuHour(std::string_view gpu_id, const PriceCatalog& prices, const OwnInputs& in) {
  const std::optional<TcoRow> tco = prices.Tco(gpu_id);
  OwnGpuHour out;
  out.all_in_power_kw = in.all_in_power_kw.value_or(tco ? tco->all_in_power_kw : 0.0);
  if (in.capex_usd_per_gpu) {
    auto need = [](const std::optional<double>& v, std::string_view flag) -> Status {
      if (!v)
        return Error::InvalidArgument(fmt::format("{} is required with --own-capex-usd-per-gpu", flag),
                                      std::string(flag));
      if (!(*v >= 0) || !std::isfinite(*v))
        return Error::InvalidArgument(fmt::format("{}={} must be >= 0", flag, *v), std::string(flag));
      return Ok{};
    };
    CAPPLAN_RETURN_IF_ERROR(need(in.amortise_years, "--own-amortise-years"));
    CAPPLAN_RETURN_IF_ERROR(need(in.usd_per_kwh, "--own-usd-per-kwh"));
    CAPPLAN_RETURN_IF_ERROR(need(in.hosting_usd_per_gpu_hour, "--own-hosting-usd-per-gpu-hour"));
    if (!(*in.capex_usd_per_gpu > 0) || !(*in.amortise_years > 0))
      return Error::InvalidArgument("--own-capex-usd-per-gpu and --own-amortise-years must be > 0",
                                    "--own-capex-usd-per-gpu");
    if (!(out.all_in_power_kw > 0))
      return Error::NotFound(fmt::format("no power figure for {}: give --own-power-kw-per-gpu", gpu_id),
                             "--own-power-kw-per-gpu");
    out.capex_per_gpu_hour = DollarsPerHour{*in.capex_usd_per_gpu / (*in.amortise_years * 8760.0)};
    out.power_per_gpu_hour = DollarsPerHour{out.all_in_power_kw * *in.usd_per_kwh};
    out.hosting_per_gpu_hour = DollarsPerHour{*in.hosting_usd_per_gpu_hour};
    out.usd_per_gpu_hour = *out.capex_per_gpu_hour + *out.power_per_gpu_hour + *out.hosting_per_gpu_hour;
    out.basis = "your capex amortised + power + hosting";
    return out;
  }
  if (in.usd_per_gpu_hour) {
    if (!(*in.usd_per_gpu_hour > 0) || !std::isfinite(*in.usd_per_gpu_hour))
      return Error::InvalidArgument("--own-usd-per-gpu-hour must be > 0", "--own-usd-per-gpu-hour");
    out.usd_per_gpu_hour = {*in.usd_per_gpu_hour};
    out.basis = "your all-in $/GPU-hour";
  } else {
    if (!tco)
      return Error::NotFound(fmt::format("the TCO table (data/prices/tco.csv) has no row for {}: give "
                                         "--own-usd-per-gpu-hour or --own-capex-usd-per-gpu",
                                         gpu_id),
                             "--pricing");
    out.usd_per_gpu_hour = in.neocloud ? tco->own_neocloud : tco->own_hyperscaler;
    out.basis =
        fmt::format("InferenceX TCO, owning - {} ({})", in.neocloud ? "neocloud" : "hyperscaler", tco->as_of.text);
    out.as_of = tco->as_of;
  }
  if (in.usd_per_kwh && out.all_in_power_kw > 0)
    out.power_per_gpu_hour = DollarsPerHour{out.all_in_power_kw * *in.usd_per_kwh};
  return out;
}

GpuQuote OwnQuote(std::string_view gpu_id, int gpu_count, const OwnGpuHour& own, Date today) {
  GpuPrice row{.provider = "own",
               .gpu_text = std::string(gpu_id),
               .gpu_id = std::string(gpu_id),
               .gpus_per_instance = 1,
               .usd_per_gpu_hour = own.usd_per_gpu_hour,
               .pricing_type = "own (" + own.basis + ")",
               .kind = PricingKind::kOwn,
               .as_of = own.as_of.value_or(PriceDate{FormatDate(today), today}),
               .source = own.basis,
               .origin = "--pricing own"};
  return GpuQuote{.row = row,
                  .instances = gpu_count,
                  .billed_gpus = gpu_count,
                  .usd_per_gpu_hour = own.usd_per_gpu_hour,
                  .usd_per_hour = own.usd_per_gpu_hour * gpu_count};
}

SpotRisk SpotPreemption(int replicas, Seconds replace_time) {
  SpotRisk s;
  s.fraction_of_time_down = replace_time.v / s.window_min.v;
  s.spare_replicas = std::max(1, static_cast<int>(std::ceil(replicas * s.fraction_of_time_down)));
  s.note = fmt::format(
      "spot capacity is reclaimed after 2-4 h windows; each reclaim takes a replica away for {:.0f} s (new instance "
      "+ model load), {:.1f}% of its time at a 2 h window, so {} spare replica(s) keep capacity; requests running on "
      "a reclaimed replica are cut off and must be retried, so spot does not suit a strict per-request latency SLO",
      replace_time.v, 100.0 * s.fraction_of_time_down, s.spare_replicas);
  return s;
}

}  // namespace capplan
