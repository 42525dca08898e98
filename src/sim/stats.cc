#include "sim/stats.h"

#include <algorithm>
#include <cmath>

namespace capplan::sim {
namespace {

// The value at integer rank k (0-based) of the expanded sample.
double ValueAtRank(const std::vector<WeightedValue>& sorted, int64_t k) {
  int64_t seen = 0;
  for (const WeightedValue& w : sorted) {
    seen += w.weight;
    if (k < seen) return w.value;
  }
  return sorted.back().value;
}

}  // namespace

double Quantile(const std::vector<WeightedValue>& sorted, int64_t total_weight, double q) {
  const double h = static_cast<double>(total_weight - 1) * q;
  const auto lo = static_cast<int64_t>(std::floor(h));
  const double lo_value = ValueAtRank(sorted, lo);
  if (lo + 1 >= total_weight) return lo_value;
  return lo_value + (h - static_cast<double>(lo)) * (ValueAtRank(sorted, lo + 1) - lo_value);
}

LatencySummary SummarizeLatency(std::vector<WeightedValue> values) {
  LatencySummary s;
  double sum = 0;
  for (const WeightedValue& w : values) {
    s.count += w.weight;
    sum += w.value * static_cast<double>(w.weight);
  }
  if (s.count == 0) return s;
  std::sort(values.begin(), values.end(),
            [](const WeightedValue& a, const WeightedValue& b) { return a.value < b.value; });
  s.mean = Seconds{sum / static_cast<double>(s.count)};
  s.p50 = Seconds{Quantile(values, s.count, 0.50)};
  s.p90 = Seconds{Quantile(values, s.count, 0.90)};
  s.p95 = Seconds{Quantile(values, s.count, 0.95)};
  s.p99 = Seconds{Quantile(values, s.count, 0.99)};
  return s;
}

LatencySummary SummarizeLatency(const std::vector<double>& values) {
  std::vector<WeightedValue> weighted;
  weighted.reserve(values.size());
  for (double v : values) weighted.push_back({v, 1});
  return SummarizeLatency(std::move(weighted));
}

BatchSizeSummary SummarizeBatchSizes(const std::vector<int64_t>& counts) {
  std::vector<WeightedValue> weighted;  // already sorted: index order is value order
  int64_t total = 0;
  double sum = 0;
  BatchSizeSummary s;
  for (size_t b = 0; b < counts.size(); ++b) {
    if (counts[b] == 0) continue;
    weighted.push_back({static_cast<double>(b), counts[b]});
    total += counts[b];
    sum += static_cast<double>(b) * static_cast<double>(counts[b]);
    s.max = static_cast<int>(b);
  }
  if (total == 0) return s;
  s.mean = sum / static_cast<double>(total);
  s.p50 = Quantile(weighted, total, 0.50);
  s.p99 = Quantile(weighted, total, 0.99);
  return s;
}

}  // namespace capplan::sim
