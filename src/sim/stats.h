// Summary statistics of the simulator, with the one percentile method of docs/metrics.md: linear
// interpolation between closest ranks (rank h = (n - 1) * q on the sorted sample; numpy's default).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "capplan/sim.h"

namespace capplan::sim {

/// A sample value that occurs `weight` times; lets ITL store one entry per step, not per token.
struct WeightedValue {
  double value = 0;
  int64_t weight = 1;
};

/// The q-quantile (q in [0, 1]) of a sample sorted ascending by value. REQUIRES: total weight > 0.
double Quantile(const std::vector<WeightedValue>& sorted, int64_t total_weight, double q);

/// Sorts `values` and summarizes them; an empty sample gives count 0 and zeros.
LatencySummary SummarizeLatency(const std::vector<double>& values);
LatencySummary SummarizeLatency(std::vector<WeightedValue> values);

/// `counts[b]` = number of steps with batch size b.
BatchSizeSummary SummarizeBatchSizes(const std::vector<int64_t>& counts);

}  // namespace capplan::sim
