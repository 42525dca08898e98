// The plan's pricing additions: --pricing own / tiers, unknown providers, cached input and tiers that follow the
// user's volume. Analytic only (finalists = 0) to stay fast; the arithmetic is checked by hand.
#include <gtest/gtest.h>

#include "capplan/hardware.h"
#include "capplan/search.h"

namespace capplan {
namespace {

const Date kToday{2026, 12, 1};

PlanRequest ScoutAnalytic() {
  PlanRequest r;
  r.model = *LoadPreset("llama-4-scout");
  r.preset = "llama-4-scout";
  r.finalists = 0;
  return r;
}

TEST(PlanPricing, OwnPricesEveryGpuFromTheTcoTable) {
  PlanRequest r = ScoutAnalytic();
  r.own = OwnInputs{};
  auto plan = Plan(r, GpuCatalog::BuiltIn(), *PriceCatalog::BuiltIn(), kToday);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_TRUE(plan->feasible());
  for (const Candidate& c : plan->candidates) {
    EXPECT_EQ(c.quote.row.kind, PricingKind::kOwn);
    const auto tco = PriceCatalog::BuiltIn()->Tco(c.deployment.gpu.id);
    ASSERT_TRUE(tco.has_value()) << c.deployment.gpu.id;  // only GPUs of the TCO table are searched
    EXPECT_EQ(c.quote.usd_per_gpu_hour, tco->own_hyperscaler);
    // Owned GPUs are billed one by one: $/month = GPUs (both pools when disaggregated) x $/GPU-hour x 730.
    EXPECT_NEAR(c.usd_per_month.v, CandidateGpus(c) * tco->own_hyperscaler.v * 730, 1e-6);
  }
}

TEST(PlanPricing, UnknownProviderIsAnErrorAndSpotQuotesSpotRows) {
  PlanRequest r = ScoutAnalytic();
  r.price_filter.providers = {"Lambda", "NoSuchCloud"};
  auto bad = Plan(r, GpuCatalog::BuiltIn(), *PriceCatalog::BuiltIn(), kToday);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.error().message.starts_with("--providers: unknown provider 'NoSuchCloud'")) << bad.error().message;
  r.price_filter.providers = {};
  r.price_filter.kinds = KindsFor(PricingTier::kSpot);
  auto spot = Plan(r, GpuCatalog::BuiltIn(), *PriceCatalog::BuiltIn(), kToday);
  ASSERT_TRUE(spot.ok()) << spot.error().message;
  ASSERT_TRUE(spot->feasible());
  for (const Candidate& c : spot->candidates) EXPECT_EQ(c.quote.row.kind, PricingKind::kSpot);
}

TEST(PlanPricing, TiersFollowTheVolumeAndTheDaysMeanRateSetsIt) {
  PlanRequest r = ScoutAnalytic();
  r.rate_per_second = 15;            // sized for the peak
  r.volume_rate_per_second = 6.875;  // diurnal peak 15, trough 2: 165 / 24
  auto plan = Plan(r, GpuCatalog::BuiltIn(), *PriceCatalog::BuiltIn(), kToday);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  // 6.875 req/s x 1500 tokens x 3600 s x 730 h = 27.10B tokens a month.
  EXPECT_NEAR(plan->tokens_per_month, 6.875 * 1500 * 3600 * 730, 1);
  std::vector<double> volumes;
  for (const TrafficTier& t : plan->tiers) volumes.push_back(t.tokens_per_month);
  EXPECT_EQ(volumes, TierVolumes(plan->tokens_per_month));
  EXPECT_EQ(volumes.size(), 6u);  // 2.71B, 27.1B, 271B beside 1B, 10B, 100B
}

TEST(PlanPricing, CachedInputLowersTheApiBillWhereARateIsListed) {
  PlanRequest r;
  r.model = *LoadPreset("gpt-oss-120b");
  r.preset = "gpt-oss-120b";
  r.finalists = 0;
  auto full = Plan(r, GpuCatalog::BuiltIn(), *PriceCatalog::BuiltIn(), kToday);
  r.cached_input_fraction = 1.0;
  auto cached = Plan(r, GpuCatalog::BuiltIn(), *PriceCatalog::BuiltIn(), kToday);
  ASSERT_TRUE(full.ok() && cached.ok());
  ASSERT_EQ(full->api_comparison.size(), cached->api_comparison.size());
  for (size_t i = 0; i < full->api_comparison.size(); ++i) {
    const ApiPrice& p = full->api_comparison[i].price;
    if (p.usd_per_million_cached_input && *p.usd_per_million_cached_input < p.usd_per_million_input)
      EXPECT_LT(cached->api_comparison[i].usd_per_month, full->api_comparison[i].usd_per_month) << p.provider;
    else
      EXPECT_EQ(cached->api_comparison[i].usd_per_month, full->api_comparison[i].usd_per_month) << p.provider;
  }
}

}  // namespace
}  // namespace capplan
