// Turns the simulator's per-request timestamps and step counters into the metrics of
// docs/metrics.md (internal).
#pragma once

#include <vector>

#include "capplan/sim.h"
#include "sim/replica.h"

namespace capplan::sim {

/// Every metric except KV-cache utilisation, steps and events, which the event loop owns.
SimMetrics ComputeMetrics(const std::vector<Sequence>& seqs, const StepStats& stats, const Slo& slo);

std::vector<RequestRecord> ToRecords(const std::vector<Sequence>& seqs);

}  // namespace capplan::sim
