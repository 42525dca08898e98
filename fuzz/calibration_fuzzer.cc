// Fuzzes ParseCalibration (a user's perf calibration file) and the selection of an entry from it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "capplan/hardware.h"
#include "capplan/perf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto calibrations = capplan::ParseCalibration(text, "perf.json");
  if (!calibrations.ok()) return 0;
  capplan::GpuSpec gpu;
  gpu.id = "h100-sxm";
  (void)capplan::SelectCalibration(*calibrations, gpu);
  return 0;
}
