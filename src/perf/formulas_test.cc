#include <gtest/gtest.h>

#include "capplan/perf.h"

namespace capplan {
namespace {

TEST(ExpectedDistinctExperts, OneTokenReadsExactlyTopK) {
  EXPECT_DOUBLE_EQ(ExpectedDistinctExperts(16, 1, 1), 1.0);
  EXPECT_NEAR(ExpectedDistinctExperts(128, 4, 1), 4.0, 1e-12);
  EXPECT_NEAR(ExpectedDistinctExperts(256, 8, 1), 8.0, 1e-12);
}

TEST(ExpectedDistinctExperts, ScoutAtBatch16ReadsAboutTenOfSixteen) {
  // Domain primer section 2: 16 x (1 - (15/16)^16) = 10.30.
  EXPECT_NEAR(ExpectedDistinctExperts(16, 1, 16), 10.30, 0.01);
}

TEST(ExpectedDistinctExperts, LargeBatchApproachesAllExperts) {
  EXPECT_NEAR(ExpectedDistinctExperts(16, 1, 256), 16.0, 1e-5);
  EXPECT_GT(ExpectedDistinctExperts(8, 2, 64), 7.99);
  // Monotone in the batch.
  double prev = 0;
  for (int b = 1; b <= 512; b *= 2) {
    const double d = ExpectedDistinctExperts(128, 1, b);
    EXPECT_GT(d, prev);
    EXPECT_LE(d, 128.0);
    prev = d;
  }
}

TEST(BusiestRankExpertLoad, NoExpertParallelismMeansEveryPairOnOneRank) {
  const ExpertLoad l = BusiestRankExpertLoad(8, 2, 1, 100, 0.0);
  EXPECT_DOUBLE_EQ(l.assignments, 200.0);
  EXPECT_DOUBLE_EQ(l.distinct_experts, ExpectedDistinctExperts(8, 2, 100));
}

TEST(BusiestRankExpertLoad, BusiestRankCarriesMoreThanTheMeanAndSkewAddsMore) {
  const ExpertLoad uniform = BusiestRankExpertLoad(128, 1, 8, 1024, 0.0);
  const ExpertLoad skewed = BusiestRankExpertLoad(128, 1, 8, 1024, 0.3);
  EXPECT_GT(uniform.assignments, 1024.0 / 8);
  EXPECT_NEAR(skewed.assignments, uniform.assignments * 1.3, 1e-9);
  EXPECT_LE(uniform.distinct_experts, 16.0);  // a rank holds 128 / 8 experts
  EXPECT_GT(uniform.distinct_experts, 15.9);
}

TEST(MatmulEfficiency, RisesWithTokensTowardsTheCeiling) {
  PerfCalibration c;
  c.matmul_efficiency = 0.8;
  c.matmul_half_tokens = 64;
  EXPECT_NEAR(MatmulEfficiency(c, 64), 0.4, 1e-12);
  EXPECT_LT(MatmulEfficiency(c, 1), 0.02);
  EXPECT_GT(MatmulEfficiency(c, 8192), 0.79);
}

TEST(AllReduceTime, RingMovesTwiceTheDataOverNMinusOneOfN) {
  PerfCalibration c;
  c.comm_efficiency = 1.0;
  c.collective_latency = Seconds{0};
  // 8 GPUs, 1 GB over 100 GB/s: 2 x 7/8 x 1 GB / 100 GB/s = 17.5 ms.
  EXPECT_NEAR(AllReduceTime(GB(1), 8, GBps(100), c).v, 0.0175, 1e-12);
  EXPECT_DOUBLE_EQ(AllReduceTime(GB(1), 1, GBps(100), c).v, 0.0);
}

TEST(Calibration, BuiltInFileParsesAndHasADefault) {
  const auto& all = BuiltInCalibrations();
  ASSERT_FALSE(all.empty());
  bool has_default = false;
  for (const auto& c : all) has_default |= c.family == "default";
  EXPECT_TRUE(has_default);
}

TEST(Calibration, ErrorsNameTheFileAndField) {
  auto bad = ParseCalibration(R"({"calibrations": [{"family": "hopper", "hbm_efficiency": 1.3}]})", "cal.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message,
            "cal.json: calibrations[0].hbm_efficiency is a fraction of peak and must be at most 1");
  auto neg = ParseCalibration(R"({"calibrations": [{"family": "x", "step_overhead_seconds": -1}]})", "cal.json");
  ASSERT_FALSE(neg.ok());
  EXPECT_EQ(neg.error().message, "cal.json: calibrations[0].step_overhead_seconds must be a non-negative number");
  EXPECT_FALSE(ParseCalibration("{", "cal.json").ok());
}

// Found in review of the fuzz target (fuzz/calibration; the seed is in fuzz/corpus/calibration): max_batch 1e300
// converted to int was undefined behaviour.
TEST(Calibration, RefusesAMaxBatchTooLargeForAnInt) {
  auto huge = ParseCalibration(R"({"calibrations": [{"family": "default", "max_batch": 1e300}]})", "cal.json");
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().message, "cal.json: calibrations[0].max_batch must be at most 1000000");
  EXPECT_EQ(huge.error().field, "max_batch");
}

TEST(Calibration, LaterFamiliesInheritTheDefaultEntry) {
  auto all = ParseCalibration(
      R"({"calibrations": [{"family": "default", "hbm_efficiency": 0.5}, {"family": "hopper", "matmul_efficiency": 0.6}]})",
      "cal.json");
  ASSERT_TRUE(all.ok());
  EXPECT_DOUBLE_EQ((*all)[1].hbm_efficiency, 0.5);
  EXPECT_DOUBLE_EQ((*all)[1].matmul_efficiency, 0.6);
}

}  // namespace
}  // namespace capplan
