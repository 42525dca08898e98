// Turns the simulator's per-request timestamps and step counters into the metrics of
// docs/metrics.md (internal).
#pragma once

#include <limits>
#include <optional>
#include <vector>

#include "capplan/sim.h"
#include "sim/replica.h"

namespace capplan::sim {

/// Which requests and which span of time the metrics cover. The default is every request, from the
/// first arrival to the last token; a closed loop excludes its warm-up and its drain (docs/metrics.md).
struct MeasureWindow {
  int64_t first_id = 0;                                  // requests with id in [first_id, end_id)
  int64_t end_id = std::numeric_limits<int64_t>::max();  // give the latencies
  std::optional<Seconds> start = std::nullopt,
                         end = std::nullopt;  // set: throughput counts completions in (start, end] over end - start
};

/// Every metric except KV-cache utilisation, steps and events, which the event loop owns.
SimMetrics ComputeMetrics(const std::vector<Sequence>& seqs, const StepStats& stats, const Slo& slo,
                          const MeasureWindow& window = {});

std::vector<RequestRecord> ToRecords(const std::vector<Sequence>& seqs);

}  // namespace capplan::sim
