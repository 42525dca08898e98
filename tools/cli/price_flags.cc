#include "price_flags.h"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "cli_util.h"
#include "encode_results.h"

namespace capplan::cli {
namespace {
constexpr int kDaysPerYear = 365;
}  // namespace

void AddPriceFlags(CLI::App& cmd, PriceFlags& flags) {
  cmd.add_option("--prices", flags.price_files,
                 "CSV of your own GPU or API prices (same columns as data/prices/*.csv); replaces built-in rows of "
                 "the same provider, GPU, instance size and pricing type. Repeatable");
  cmd.add_option("--gpu-price", flags.gpu_prices,
                 "Your price for a GPU, GPU=USD_PER_GPU_HOUR (e.g. h100-sxm=2.50); it replaces every provider's "
                 "price for that GPU. Repeatable");
  cmd.add_option("--today", flags.today, "Date prices are judged against, YYYY-MM-DD (default: the system date)");
  cmd.add_option("--max-price-age-days", flags.max_age_days, "Prices older than this are flagged stale")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
}

void AddTierFlags(CLI::App& cmd, TierFlags& f) {
  cmd.add_option("--pricing", f.pricing,
                 "Pricing tier: on-demand, reserved-1y, reserved-3y, spot, or own (capex amortised + power + "
                 "hosting per GPU-hour; defaults from the TCO table in data/prices/tco.csv)")
      ->capture_default_str();
  cmd.add_option("--own-profile", f.own_profile, "With --pricing own: the TCO column, hyperscaler or neocloud")
      ->capture_default_str();
  cmd.add_option("--own-usd-per-gpu-hour", f.own.usd_per_gpu_hour, "With --pricing own: your all-in $/GPU-hour");
  cmd.add_option("--own-capex-usd-per-gpu", f.own.capex_usd_per_gpu,
                 "With --pricing own: purchase price per GPU incl. its share of the server (then also give "
                 "--own-amortise-years, --own-usd-per-kwh, --own-hosting-usd-per-gpu-hour)");
  cmd.add_option("--own-amortise-years", f.own.amortise_years, "Years the capex is spread over");
  cmd.add_option("--own-usd-per-kwh", f.own.usd_per_kwh, "Electricity price, $ per kWh");
  cmd.add_option("--own-hosting-usd-per-gpu-hour", f.own.hosting_usd_per_gpu_hour,
                 "Colocation, network and staff, $ per GPU-hour");
  cmd.add_option("--own-power-kw-per-gpu", f.own.all_in_power_kw,
                 "All-in power per GPU, kW (default: the TCO table's)");
  cmd.add_option("--cached-input-fraction", f.cached_input_fraction,
                 "Share of input tokens an API bills at its cached rate (the full rate where it lists none), 0..1")
      ->capture_default_str();
}

Result<PricingTier> ResolveTier(TierFlags& f) {
  if (f.own_profile != "hyperscaler" && f.own_profile != "neocloud")
    return Error::InvalidArgument(fmt::format("--own-profile: '{}' must be hyperscaler or neocloud", f.own_profile),
                                  "--own-profile");
  f.own.neocloud = f.own_profile == "neocloud";
  if (!(f.cached_input_fraction >= 0 && f.cached_input_fraction <= 1))
    return Error::InvalidArgument(fmt::format("--cached-input-fraction={} must be in [0, 1]", f.cached_input_fraction),
                                  "--cached-input-fraction");
  return ParsePricingTier(f.pricing, "--pricing");
}

Result<Date> Today(const PriceFlags& flags) {
  if (flags.today) return ParseDate(*flags.today, "--today");
  return json::TodayUtc();
}

Result<PriceCatalog> LoadPrices(const PriceFlags& flags, Date today) {
  CAPPLAN_ASSIGN_OR_RETURN(PriceCatalog catalog, PriceCatalog::BuiltIn());
  for (const std::string& path : flags.price_files) {
    CAPPLAN_ASSIGN_OR_RETURN(std::string text, ReadInputFile(path, "prices CSV", "--prices"));
    CAPPLAN_ASSIGN_OR_RETURN(PriceCatalog file, PriceCatalog::FromCsv(text, path));
    catalog = catalog.Merge(file);
  }
  for (const std::string& value : flags.gpu_prices) {
    CAPPLAN_ASSIGN_OR_RETURN(GpuPrice row, ParseGpuPriceOverride(value, today, "--gpu-price"));
    catalog = catalog.WithOverride(row);
  }
  return catalog;
}

std::string DateLabel(const PriceDate& as_of, Date today, int max_age_days) {
  switch (IsStale(as_of, today, max_age_days)) {
    case Staleness::kFresh:
      return as_of.text;
    case Staleness::kStale:
      // The catalogs drop models within months; a price over a year old is said to be so (shared/catalog README).
      if (as_of.date && DaysBetween(*as_of.date, today) > kDaysPerYear) return as_of.text + " (stale, over a year)";
      return as_of.text + " (stale)";
    case Staleness::kUnknown:
      return "date unknown";
  }
  return as_of.text;
}

}  // namespace capplan::cli
