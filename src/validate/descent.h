// The one parameter search of the fits (max-load family calibrations, per-engine sweep calibrations) and their
// median (internal to validate).
#pragma once

#include <algorithm>
#include <functional>
#include <span>
#include <vector>

#include "capplan/perf.h"

namespace capplan::validate_internal {

/// The median of the values (0 for none): the fits' and the error summaries' statistic.
inline double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

struct DescentGrid {
  int constants = 0;                // constants k = 0 .. constants - 1, tried in this order
  std::span<const double> factors;  // each constant is scaled by each factor in turn
  int sweeps = 3;                   // passes over all the constants
};

/// Coordinate descent: `grid.sweeps` passes; in each, every constant k is scaled by every factor in turn
/// (`scaled(best, k, factor)` returns the candidate, clamped to its bounds), and a candidate is kept when its
/// `score` is lower than the best so far. Deterministic: the same grid and score give the same fit.
PerfCalibration CoordinateDescent(const PerfCalibration& start, const DescentGrid& grid,
                                  const std::function<PerfCalibration(const PerfCalibration&, int, double)>& scaled,
                                  const std::function<double(const PerfCalibration&)>& score);

}  // namespace capplan::validate_internal
