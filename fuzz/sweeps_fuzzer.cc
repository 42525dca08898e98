// Fuzzes ParseSweepsCsv (a measurement file of serving sweeps) and the translation of its rows into deployments.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "capplan/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rows = capplan::ParseSweepsCsv(text, "sweeps.csv");
  if (!rows.ok() || rows->size() > 64) return 0;  // translation loads models: keep each input cheap
  (void)capplan::ExpressSweeps(*rows);
  return 0;
}
