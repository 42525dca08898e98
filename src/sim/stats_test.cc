#include "sim/stats.h"

#include <gtest/gtest.h>

namespace capplan::sim {
namespace {

TEST(Stats, PercentilesInterpolateLinearlyBetweenClosestRanks) {
  const LatencySummary s = SummarizeLatency(std::vector<double>{5, 1, 4, 2, 3});
  EXPECT_EQ(s.count, 5);
  EXPECT_DOUBLE_EQ(s.mean.v, 3);
  EXPECT_DOUBLE_EQ(s.p50.v, 3);
  EXPECT_DOUBLE_EQ(s.p90.v, 4.6);  // rank 3.6: 4 + 0.6 * (5 - 4)
  EXPECT_DOUBLE_EQ(s.p95.v, 4.8);
  EXPECT_DOUBLE_EQ(s.p99.v, 4.96);
}

TEST(Stats, WeightedSampleEqualsTheExpandedSample) {
  const LatencySummary weighted = SummarizeLatency(std::vector<WeightedValue>{{2.0, 3}, {1.0, 1}, {10.0, 2}});
  const LatencySummary expanded = SummarizeLatency(std::vector<double>{1, 2, 2, 2, 10, 10});
  EXPECT_EQ(weighted.count, expanded.count);
  EXPECT_DOUBLE_EQ(weighted.mean.v, expanded.mean.v);
  EXPECT_DOUBLE_EQ(weighted.p50.v, expanded.p50.v);
  EXPECT_DOUBLE_EQ(weighted.p90.v, expanded.p90.v);
  EXPECT_DOUBLE_EQ(weighted.p99.v, expanded.p99.v);
}

TEST(Stats, EmptySampleSummarizesToZeros) {
  const LatencySummary s = SummarizeLatency(std::vector<double>{});
  EXPECT_EQ(s.count, 0);
  EXPECT_EQ(s.p99.v, 0);
}

TEST(Stats, BatchSizesFromHistogram) {
  // sizes: 1 x 2 steps, 4 x 1 step, 7 x 1 step
  const BatchSizeSummary s = SummarizeBatchSizes({0, 2, 0, 0, 1, 0, 0, 1});
  EXPECT_DOUBLE_EQ(s.mean, 13.0 / 4);
  EXPECT_DOUBLE_EQ(s.p50, 2.5);
  EXPECT_DOUBLE_EQ(s.p99, 4 + 0.97 * 3);
  EXPECT_EQ(s.max, 7);
}

}  // namespace
}  // namespace capplan::sim
