// Golden tests on the cost arithmetic. Expected values are worked by hand in the comments (exact decimal arithmetic),
// so the tolerance is only floating-point rounding unless stated.
#include <gtest/gtest.h>

#include "capplan/cost.h"

namespace capplan {
namespace {

ApiPrice Api(std::string provider, double in, double out) {
  ApiPrice p;
  p.provider = std::move(provider);
  p.model_text = std::string(1, 'm');  // not = "m": GCC 12 -Wrestrict false positive (PR 105651) at -O3
  p.usd_per_million_input = {in};
  p.usd_per_million_output = {out};
  return p;
}

TEST(CostOf, PerMillionOutputTokensIsHourlyCostOverTokensPerHour) {
  // Lambda 8x H100 SXM at $3.99/GPU-hour = $31.92/h. 10,000 tok/s = 36,000,000 tok/h. 31.92 / 36 = $0.88667/M.
  auto c = CostOf({.usd_per_gpu_hour = {3.99},
                   .gpu_count = 8,
                   .output_tokens_per_second = 10000,
                   .input_output_ratio = 2,
                   .utilisation = 1.0});
  ASSERT_TRUE(c.ok());
  EXPECT_NEAR(c->usd_per_hour.v, 31.92, 1e-9);
  EXPECT_NEAR(c->usd_per_million_output_tokens.v, 0.886667, 1e-6);
  // 730 h a month: 31.92 * 730 = 23,301.60.
  EXPECT_NEAR(c->usd_per_month_24x7.v, 23301.60, 1e-6);
  EXPECT_NEAR(c->output_tokens_per_month_24x7, 36e6 * 730, 1);
}

TEST(CostOf, BlendedSpreadsTheHourOverInputAndOutputTokens) {
  // Ratio 2 (1000 in / 500 out): 36M output + 72M input tokens an hour -> 31.92 / 108 = $0.295556/M.
  auto c = CostOf({.usd_per_gpu_hour = {3.99},
                   .gpu_count = 8,
                   .output_tokens_per_second = 10000,
                   .input_output_ratio = 2,
                   .utilisation = 1.0});
  ASSERT_TRUE(c.ok());
  EXPECT_NEAR(c->usd_per_million_tokens_blended.v, 0.295556, 1e-6);
  EXPECT_NEAR(c->tokens_per_month_24x7, 108e6 * 730, 1);
}

TEST(CostOf, UtilisationScalesMonthlyBillButNotPerTokenCost) {
  auto c = CostOf({.usd_per_gpu_hour = {3.99},
                   .gpu_count = 8,
                   .output_tokens_per_second = 10000,
                   .input_output_ratio = 2,
                   .utilisation = 0.5});
  ASSERT_TRUE(c.ok());
  EXPECT_NEAR(c->usd_per_month_at_utilisation.v, 11650.80, 1e-6);  // 23,301.60 / 2
  EXPECT_NEAR(c->usd_per_million_output_tokens.v, 0.886667, 1e-6);
}

TEST(CostOf, RejectsNonPositiveInputsNamingTheField) {
  DeploymentInput ok{.usd_per_gpu_hour = {2},
                     .gpu_count = 1,
                     .output_tokens_per_second = 100,
                     .input_output_ratio = 1,
                     .utilisation = 1};
  auto in = ok;
  in.usd_per_gpu_hour = {0};
  EXPECT_EQ(CostOf(in).error().message, "usd_per_gpu_hour=0 must be > 0");
  in = ok;
  in.gpu_count = 0;
  EXPECT_EQ(CostOf(in).error().message, "gpu_count=0 must be >= 1");
  in = ok;
  in.output_tokens_per_second = 0;
  EXPECT_EQ(CostOf(in).error().message, "output_tokens_per_second=0 must be > 0");
  EXPECT_EQ(CostOf(in).error().field, "output_tokens_per_second");
  in = ok;
  in.input_output_ratio = -1;
  EXPECT_EQ(CostOf(in).error().message, "input_output_ratio=-1 must be >= 0");
  in = ok;
  in.utilisation = 1.5;
  EXPECT_EQ(CostOf(in).error().message, "utilisation=1.5 must be in (0, 1]");
}

TEST(ApiCost, SplitsVolumeByRatioAndPricesEachSide) {
  // Groq Llama 4 Scout, $0.11 in / $0.34 out. 1B tokens at ratio 2: 666.67M in ($73.33) + 333.33M out ($113.33).
  auto c = ApiCost(Api("Groq", 0.11, 0.34), 1e9, 2.0);
  EXPECT_NEAR(c.input_tokens, 666666666.67, 0.01);
  EXPECT_NEAR(c.output_tokens, 333333333.33, 0.01);
  EXPECT_NEAR(c.usd_per_month.v, 186.6667, 1e-4);
  EXPECT_NEAR(c.usd_per_million_tokens_blended.v, 0.186667, 1e-6);  // (2*0.11 + 0.34) / 3
}

TEST(Crossover, FixedDeploymentBreaksEvenAtMonthlyCostOverBlendedPrice) {
  // $23,301.60 a month vs $0.186667/M blended: 23,301.60 * 3 / 0.56 = 124,830 M tokens a month.
  const Dollars api = BlendedPerMillion(Api("Groq", 0.11, 0.34), 2.0);
  EXPECT_NEAR(CrossoverTokensPerMonth({23301.60}, api), 124.830e9, 1e3);
}

TEST(Crossover, ScaledEqualsFixedWhenAReplicaCostsHalfTheApi) {
  // F = $100/month, C = 1B tokens/month, b = $0.20/M: a full replica costs half the API (f = 0.5). Self-hosting
  // wins from 100 / 0.2 = 500M tokens, and a second replica ($200 at 1B+) never costs more than the API ($200+).
  EXPECT_NEAR(*ScaledCrossoverTokensPerMonth({100}, 1e9, {0.2}), 500e6, 1);
}

TEST(Crossover, ScaledAccountsForTheStepOfEachNewReplica) {
  // F = $180, C = 1B, b = $0.20/M: f = 0.9, so k0 = ceil(1 / 0.1) = 10 and V0 = 9 * 180 / 0.2 = 8.1B tokens.
  const auto v0 = ScaledCrossoverTokensPerMonth({180}, 1e9, {0.2});
  ASSERT_TRUE(v0.has_value());
  EXPECT_NEAR(*v0, 8.1e9, 1);
  // Brute force over volumes: self-hosting is never dearer above V0, and is dearer somewhere just below it.
  bool dearer_below = false;
  for (double v = 1e8; v < 5e10; v += 1e7) {
    const double self = ScaledSelfHostCost({180}, 1e9, v).usd_per_month.v;
    const double api = v / 1e6 * 0.2;
    if (v >= *v0) {
      EXPECT_LE(self, api * (1 + 1e-9)) << "volume " << v;
    }
    if (v < *v0 && v > 8.0e9 && self > api) dearer_below = true;
  }
  EXPECT_TRUE(dearer_below);
}

TEST(Crossover, ScaledNeverWhenAFullReplicaCostsMoreThanTheApi) {
  EXPECT_FALSE(ScaledCrossoverTokensPerMonth({250}, 1e9, {0.2}).has_value());  // $0.25/M at full load > $0.20/M
}

TEST(CompareWithApis, PricesEachApiAtTheVolumeWithItsCrossover) {
  // Deployment: $23,301.60/month, capacity 78.84B tokens/month (8 x $3.99, 10,000 out tok/s, r = 2).
  // Groq Scout at 10B tokens: 10 x $186.67 = $1,866.67; crossover 124.83B > capacity.
  // API X $1.00 / $1.00: $10,000 at 10B; crossover 23.30B tokens, within capacity.
  const auto rows = CompareWithApis({23301.60}, 78.84e9, {Api("Groq", 0.11, 0.34), Api("X", 1.0, 1.0)}, 10e9, 2.0);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NEAR(rows[0].usd_per_month.v, 1866.667, 1e-3);
  EXPECT_NEAR(rows[0].crossover_tokens_per_month, 124.830e9, 1e3);
  EXPECT_FALSE(rows[0].crossover_within_capacity);
  EXPECT_TRUE(rows[0].api_cheaper);
  EXPECT_NEAR(rows[1].crossover_tokens_per_month, 23.3016e9, 1e3);
  EXPECT_TRUE(rows[1].crossover_within_capacity);
  EXPECT_TRUE(rows[1].api_cheaper);  // $10,000 < $23,301.60 at 10B
}

TEST(ScaledSelfHostCost, ReplicasAreVolumeOverCapacityRoundedUpAndAtLeastOne) {
  EXPECT_EQ(ScaledSelfHostCost({100}, 1e9, 0).replicas, 1);
  EXPECT_EQ(ScaledSelfHostCost({100}, 1e9, 1e9).replicas, 1);
  EXPECT_EQ(ScaledSelfHostCost({100}, 1e9, 1.2e9).replicas, 2);
  EXPECT_NEAR(ScaledSelfHostCost({100}, 1e9, 1.2e9).usd_per_month.v, 200, 1e-9);
}

TEST(TrafficTiers, ShowsReplicasAndEveryApiPerTier) {
  // Replica: $1,500/month for 20B tokens/month. API A $0.10/M both ways, B $1.00/M. Ratio 1.
  const auto tiers = TrafficTiers({1500}, 20e9, 1.0, {Api("A", 0.1, 0.1), Api("B", 1.0, 1.0)});
  ASSERT_EQ(tiers.size(), 3u);
  EXPECT_EQ(tiers[0].self_host.replicas, 1);  // 1B
  EXPECT_EQ(tiers[1].self_host.replicas, 1);  // 10B
  EXPECT_EQ(tiers[2].self_host.replicas, 5);  // 100B / 20B
  EXPECT_NEAR(tiers[2].self_host.usd_per_month.v, 7500, 1e-9);
  EXPECT_NEAR(tiers[0].apis[0].usd_per_month.v, 100, 1e-9);     // 1,000M * $0.10
  EXPECT_NEAR(tiers[2].apis[1].usd_per_month.v, 100000, 1e-6);  // 100,000M * $1.00
  EXPECT_EQ(tiers[0].cheapest, "A");                            // $100 vs $1,500 self-hosted
  EXPECT_EQ(tiers[1].cheapest, "A");                            // $1,000 vs $1,500
  EXPECT_EQ(tiers[2].cheapest, "self-host");                    // $7,500 vs $10,000
}

}  // namespace
}  // namespace capplan
