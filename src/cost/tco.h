// Private: reading the owning / 3-year-rental TCO table (data/prices/tco.csv) and turning its rental column into
// price rows.
#pragma once

#include <string_view>
#include <vector>

#include "capplan/cost.h"

namespace capplan::cost_internal {

/// Rows of a TCO CSV (columns gpu, own_hyperscaler_usd_per_gpu_hour, own_neocloud_usd_per_gpu_hour,
/// rental_3y_usd_per_gpu_hour, all_in_power_kw_per_gpu, as_of, source). Errors name `source`, the line and field.
Result<std::vector<TcoRow>> ParseTco(std::string_view text, std::string_view source);
/// The 3-year rental as a kReserved3y GpuPrice (provider "3-year rental (InferenceX TCO)", 1 GPU per instance).
GpuPrice RentalRow(const TcoRow& t);

}  // namespace capplan::cost_internal
