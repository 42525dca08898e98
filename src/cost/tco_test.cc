// Pricing tiers beyond on-demand (3-year rental, owning, spot), cached input and the volume-following tiers.
// Expected values are worked by hand in the comments; tolerances are floating-point rounding only.
#include <gtest/gtest.h>

#include "capplan/cost.h"

namespace capplan {
namespace {

const PriceCatalog& BuiltIn() {
  static const PriceCatalog catalog = *PriceCatalog::BuiltIn();
  return catalog;
}

TEST(Tco, TableRowsAreReadWithTheirSource) {
  const auto h100 = BuiltIn().Tco("h100-sxm");
  ASSERT_TRUE(h100.has_value());
  EXPECT_NEAR(h100->own_hyperscaler.v, 1.30, 1e-12);
  EXPECT_NEAR(h100->own_neocloud.v, 1.69, 1e-12);
  EXPECT_NEAR(h100->rental_3y.v, 1.30, 1e-12);
  EXPECT_NEAR(h100->all_in_power_kw, 1.73, 1e-12);
  EXPECT_EQ(h100->as_of.text, "2026-04-03");
  EXPECT_NE(h100->source.find("InferenceX"), std::string::npos);
  EXPECT_FALSE(BuiltIn().Tco("l40s").has_value());
}

TEST(PricingTier, Reserved3yQuotesTheRentalRowAndSpotTheSpotRows) {
  // B200 x 8, 3-year rental: 8 x 2.90 = 23.20 $/h.
  const auto rent = BuiltIn().QuoteGpus("b200-hgx", 8, {.kinds = KindsFor(PricingTier::kReserved3y)});
  ASSERT_EQ(rent.size(), 1u);
  EXPECT_NEAR(rent[0].usd_per_hour.v, 23.20, 1e-9);
  // H100 x 4 on spot: CoreWeave bills its 8-GPU box, $19.71/h; GCP 4 x 6.571 = 26.284. Cheapest first.
  const auto spot = BuiltIn().QuoteGpus("h100-sxm", 4, {.kinds = KindsFor(PricingTier::kSpot)});
  ASSERT_EQ(spot.size(), 2u);
  EXPECT_EQ(spot[0].row.provider, "CoreWeave");
  EXPECT_EQ(spot[0].billed_gpus, 8);
  EXPECT_NEAR(spot[0].usd_per_hour.v, 19.71, 1e-9);
  EXPECT_NEAR(spot[1].usd_per_hour.v, 26.284, 1e-9);
  // No 1-year reservation is in the built-in catalog (AWS capacity blocks are short-term, kind "reserved").
  EXPECT_TRUE(BuiltIn().QuoteGpus("h100-sxm", 8, {.kinds = KindsFor(PricingTier::kReserved1y)}).empty());
}

TEST(PricingTier, ParsesTheFiveNamesAndRejectsOthers) {
  EXPECT_EQ(*ParsePricingTier("reserved-3y"), PricingTier::kReserved3y);
  EXPECT_EQ(*ParsePricingTier("own"), PricingTier::kOwn);
  EXPECT_EQ(ParsePricingTier("reserved").error().message,
            "--pricing: 'reserved' must be one of on-demand, reserved-1y, reserved-3y, spot, own");
}

TEST(Own, DefaultsToTheTcoTableAndEveryInputIsOverridable) {
  auto hyper = OwnCostPerGpuHour("h200-sxm", BuiltIn(), {});
  ASSERT_TRUE(hyper.ok()) << hyper.error().message;
  EXPECT_NEAR(hyper->usd_per_gpu_hour.v, 1.41, 1e-12);
  ASSERT_TRUE(hyper->as_of.has_value());
  EXPECT_EQ(hyper->as_of->text, "2026-04-03");  // the table's date, shown as the owned GPUs' price date
  EXPECT_NEAR(OwnCostPerGpuHour("h200-sxm", BuiltIn(), {.neocloud = true})->usd_per_gpu_hour.v, 1.74, 1e-12);
  EXPECT_NEAR(OwnCostPerGpuHour("h200-sxm", BuiltIn(), {.usd_per_gpu_hour = 2.0})->usd_per_gpu_hour.v, 2.0, 1e-12);
  // $25,000 per GPU over 5 years = 25000 / 43800 h = 0.570776; power 1.73 kW x $0.10 = 0.173; hosting 0.20.
  // Sum 0.943776 $/GPU-hour.
  auto capex = OwnCostPerGpuHour(
      "h100-sxm", BuiltIn(),
      {.capex_usd_per_gpu = 25000, .amortise_years = 5, .usd_per_kwh = 0.10, .hosting_usd_per_gpu_hour = 0.20});
  ASSERT_TRUE(capex.ok()) << capex.error().message;
  EXPECT_NEAR(capex->capex_per_gpu_hour->v, 0.570776, 1e-6);
  EXPECT_NEAR(capex->power_per_gpu_hour->v, 0.173, 1e-12);
  EXPECT_NEAR(capex->usd_per_gpu_hour.v, 0.943776, 1e-6);
  EXPECT_EQ(OwnCostPerGpuHour("h100-sxm", BuiltIn(), {.capex_usd_per_gpu = 25000, .amortise_years = 5}).error().message,
            "--own-usd-per-kwh is required with --own-capex-usd-per-gpu");
  EXPECT_EQ(OwnCostPerGpuHour("l40s", BuiltIn(), {}).error().message,
            "the TCO table (data/prices/tco.csv) has no row for l40s: give --own-usd-per-gpu-hour or "
            "--own-capex-usd-per-gpu");
  // Owning is billed per GPU, no instance packing: 3 x 1.41 = 4.23 $/h.
  const GpuQuote q = OwnQuote("h200-sxm", 3, *hyper, {2026, 12, 1});
  EXPECT_EQ(q.billed_gpus, 3);
  EXPECT_EQ(q.row.as_of.text, "2026-04-03");
  EXPECT_NEAR(q.usd_per_hour.v, 4.23, 1e-12);
}

TEST(Spot, SparesCoverTheReplicasDownAtOnceDuringReclaims) {
  // 600 s to replace a replica over a 2 h window: 600 / 7200 = 8.33% down each. 3 replicas: ceil(0.25) = 1 spare;
  // 20 replicas: ceil(1.667) = 2 spares.
  const SpotRisk three = SpotPreemption(3, Seconds{600});
  EXPECT_NEAR(three.fraction_of_time_down, 600.0 / 7200.0, 1e-12);
  EXPECT_EQ(three.spare_replicas, 1);
  EXPECT_EQ(SpotPreemption(20, Seconds{600}).spare_replicas, 2);
  EXPECT_NE(three.note.find("latency SLO"), std::string::npos);
}

TEST(CachedInput, BillsTheCachedShareAtTheCachedRateOrTheFullRateWhereNoneIsListed) {
  ApiPrice p;
  p.usd_per_million_input = {0.15};
  p.usd_per_million_output = {0.60};
  p.usd_per_million_cached_input = Dollars{0.075};
  // Half cached: 0.5 x 0.15 + 0.5 x 0.075 = 0.1125 $/M input. Ratio 2 blended: (2 x 0.1125 + 0.60) / 3 = 0.275.
  EXPECT_NEAR(EffectiveInputPerMillion(p, 0.5).v, 0.1125, 1e-12);
  EXPECT_NEAR(BlendedPerMillion(p, 2, 0.5).v, 0.275, 1e-12);
  // 3B tokens a month at ratio 2: 2B input x 0.1125 + 1B output x 0.60 = 225 + 600 = $825.
  EXPECT_NEAR(ApiCost(p, 3e9, 2, 0.5).usd_per_month.v, 825.0, 1e-9);
  p.usd_per_million_cached_input.reset();
  EXPECT_NEAR(EffectiveInputPerMillion(p, 0.5).v, 0.15, 1e-12);
}

TEST(TierVolumes, FollowTheUsersVolumeAndKeepTheFixedOnes) {
  EXPECT_EQ(TierVolumes(5e9), (std::vector<double>{5e8, 1e9, 5e9, 1e10, 5e10, 1e11}));
  EXPECT_EQ(TierVolumes(1e10), (std::vector<double>{1e9, 1e10, 1e11}));  // a tenth, itself, ten times: all fixed
  EXPECT_EQ(TierVolumes(0), (std::vector<double>{1e9, 1e10, 1e11}));
}

}  // namespace
}  // namespace capplan
