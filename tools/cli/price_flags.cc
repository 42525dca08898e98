#include "price_flags.h"

#include "cli_util.h"
#include "encode_results.h"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <sstream>

namespace capplan::cli {

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
      return as_of.text + " (stale)";
    case Staleness::kUnknown:
      return "date unknown";
  }
  return as_of.text;
}

}  // namespace capplan::cli
