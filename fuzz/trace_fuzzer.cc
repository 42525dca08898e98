// Fuzzes ParseTrace (CSV or JSONL request traces given to `capplan simulate --trace`).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "capplan/sim.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto trace = capplan::ParseTrace(text, "trace.csv");
  if (!trace.ok()) return 0;
  // A parsed trace drives workload generation; keep it small so one input stays fast.
  capplan::WorkloadSpec spec;
  spec.arrival = capplan::ArrivalProcess::kTrace;
  spec.input.kind = capplan::LengthDistribution::kTrace;
  spec.output.kind = capplan::LengthDistribution::kTrace;
  spec.trace = std::move(*trace);
  capplan::SimLimits limits;
  limits.max_requests = 10'000;
  (void)capplan::GenerateWorkload(spec, /*seed=*/1, limits);
  return 0;
}
