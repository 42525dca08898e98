// Fuzzes the CSV reader (ParseCsv: measurements, catalogs) and PriceCatalog::FromCsv (`--prices my.csv`).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "capplan/cost.h"
#include "capplan/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto table = capplan::ParseCsv(text, "data.csv");
  if (table.ok()) (void)table->Column("usd_per_gpu_hour");
  auto catalog = capplan::PriceCatalog::FromCsv(text, "prices.csv");
  if (catalog.ok()) {
    auto merged = capplan::PriceCatalog().Merge(*catalog);
    for (const auto& id : capplan::KnownGpuIds()) (void)merged.GpuPrices(id);
  }
  return 0;
}
