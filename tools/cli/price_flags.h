// Price flags shared by `capplan prices` and `capplan plan`: the date prices are judged against, user price files
// and per-GPU flag prices. The CLI edge reads files and the clock; the library gets text and dates.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "capplan/cost.h"

namespace capplan::cli {

struct PriceFlags {
  std::vector<std::string> price_files;  // --prices FILE (repeatable): GPU or API price CSVs, same header as built-in
  std::vector<std::string> gpu_prices;   // --gpu-price GPU=USD (repeatable)
  std::optional<std::string> today;      // --today YYYY-MM-DD (default: the system date, UTC)
  int max_age_days = kDefaultMaxPriceAgeDays;  // --max-price-age-days
};

/// The pricing tier and what owning costs, shared by `capplan cost` and `capplan plan`.
struct TierFlags {
  std::string pricing = "on-demand";        // --pricing on-demand|reserved-1y|reserved-3y|spot|own
  std::string own_profile = "hyperscaler";  // --own-profile hyperscaler|neocloud (the TCO column)
  OwnInputs own;                            // --own-usd-per-gpu-hour, --own-capex-usd-per-gpu, ...
  double cached_input_fraction = 0;         // --cached-input-fraction
};

/// Adds --pricing, --own-profile, --own-usd-per-gpu-hour, --own-capex-usd-per-gpu, --own-amortise-years,
/// --own-usd-per-kwh, --own-hosting-usd-per-gpu-hour, --own-power-kw-per-gpu and --cached-input-fraction.
void AddTierFlags(CLI::App& cmd, TierFlags& flags);
/// The tier, with own_profile checked and folded into flags.own.neocloud.
Result<PricingTier> ResolveTier(TierFlags& flags);

/// Adds --prices, --gpu-price, --today and --max-price-age-days to `cmd`, bound to `flags`.
void AddPriceFlags(CLI::App& cmd, PriceFlags& flags);

/// The --today value, or the system date (UTC).
Result<Date> Today(const PriceFlags& flags);

/// Built-in prices, merged with each --prices file in order, then each --gpu-price.
Result<PriceCatalog> LoadPrices(const PriceFlags& flags, Date today);

/// "2026-09-20", "2024-12 (stale)", "date unknown": how every printed price shows its date.
std::string DateLabel(const PriceDate& as_of, Date today, int max_age_days);

}  // namespace capplan::cli
