// `capplan cost` arithmetic for Llama 4 Scout on 4 x H100 (BF16), checked by hand from the built-in price rows:
// $/month = $/hour x 730, and an 8-GPU instance is billed whole for 4 GPUs.
#include "capplan/cost_report.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "capplan/hardware.h"

namespace capplan {
namespace {

constexpr Date kToday{2026, 12, 1};

CostRequest Scout4xH100() {
  CostRequest r;
  r.model = *LoadModel("llama-4-scout");
  r.preset = "llama-4-scout";
  r.deployment = Deployment{.gpu = *GpuCatalog::BuiltIn().Find("h100"),
                            .parallel = {.tp = 4, .ep = 4},
                            .weights = UniformWeightPrecision(DType::kBF16),
                            .kv_dtype = DType::kBF16,
                            .engine = DefaultEngineProfile(Engine::kVllm)};
  return r;
}

const ProviderCost* Find(const CostReport& c, std::string_view provider) {
  auto it = std::find_if(c.providers.begin(), c.providers.end(),
                         [&](const ProviderCost& p) { return p.quote.row.provider == provider; });
  return it == c.providers.end() ? nullptr : &*it;
}

TEST(CostDeployment, EveryProviderOfTheGpuWithHourTimes730AndWholeInstances) {
  const PriceCatalog prices = *PriceCatalog::BuiltIn();
  auto c = CostDeployment(Scout4xH100(), prices, kToday);
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_GT(c->output_tokens_per_second, 0);
  struct Want {
    std::string provider;
    int billed;
    double usd_per_hour;
    std::string as_of;
  };
  // RunPod Community 4 x 2.69 = 10.76; Lambda's 4-GPU instance 4 x 4.09 = 16.36; CoreWeave and AWS rent 8-GPU
  // instances only: 8 x 6.155 = 49.24 and 8 x 6.88 = 55.04.
  for (const Want& w : {Want{"RunPod", 4, 10.76, "2026-09-25"}, Want{"Lambda", 4, 16.36, "2026-09-20"},
                        Want{"CoreWeave", 8, 49.24, "2026-09-20"}, Want{"AWS", 8, 55.04, "2026-11-09"}}) {
    const ProviderCost* p = Find(*c, w.provider);
    ASSERT_NE(p, nullptr) << w.provider;
    EXPECT_EQ(p->quote.billed_gpus, w.billed) << w.provider;
    EXPECT_NEAR(p->usd_per_hour.v, w.usd_per_hour, 1e-9) << w.provider;
    EXPECT_NEAR(p->usd_per_month.v, w.usd_per_hour * 730, 1e-6) << w.provider;
    EXPECT_EQ(p->quote.row.as_of.text, w.as_of) << w.provider;
    // $ per million output tokens: the hour's bill over the tokens the deployment serves in an hour.
    EXPECT_NEAR(p->usd_per_million_output_tokens.v, w.usd_per_hour / (c->output_tokens_per_second * 3600) * 1e6, 1e-9);
  }
  EXPECT_EQ(Find(*c, "CoreWeave")->instance, "1 x 8-GPU instance, billed whole (4 GPUs idle)");
  EXPECT_EQ(Find(*c, "Lambda")->instance, "1 x 4-GPU instance");
  EXPECT_TRUE(std::is_sorted(c->providers.begin(), c->providers.end(),
                             [](const auto& a, const auto& b) { return a.usd_per_hour < b.usd_per_hour; }));
}

TEST(CostDeployment, ServerlessComparisonHasBedrockGroqTogetherAndDeepInfraWithDates) {
  auto c = CostDeployment(Scout4xH100(), *PriceCatalog::BuiltIn(), kToday);
  ASSERT_TRUE(c.ok()) << c.error().message;
  std::map<std::string, std::string> dates;
  for (const auto& a : c->apis) dates[a.price.provider] = a.price.as_of.text;
  EXPECT_EQ(dates["Amazon Bedrock"], "2026-10-04");
  EXPECT_EQ(dates["Groq"], "2025-08-12");  // the dated row replaces the undated one
  EXPECT_EQ(dates["Together"], "2025-07-03");
  EXPECT_EQ(dates["DeepInfra"], "unknown");
}

TEST(CostDeployment, TiersOwnAndSpotAndErrors) {
  const PriceCatalog prices = *PriceCatalog::BuiltIn();
  CostRequest r = Scout4xH100();
  r.tier = PricingTier::kOwn;
  auto own = CostDeployment(r, prices, kToday);
  ASSERT_TRUE(own.ok()) << own.error().message;
  ASSERT_EQ(own->providers.size(), 1u);
  EXPECT_NEAR(own->providers[0].usd_per_hour.v, 4 * 1.30, 1e-9);  // TCO owning - hyperscaler, per GPU
  r.tier = PricingTier::kSpot;
  auto spot = CostDeployment(r, prices, kToday);
  ASSERT_TRUE(spot.ok()) << spot.error().message;
  ASSERT_TRUE(spot->spot.has_value());
  EXPECT_GE(spot->spot->spare_replicas, 1);
  EXPECT_NEAR(spot->providers[0].usd_per_hour.v, 19.71, 1e-9);  // CoreWeave's 8-GPU spot instance, billed whole
  r.tier = PricingTier::kReserved1y;
  EXPECT_EQ(CostDeployment(r, prices, kToday).error().code, ErrorCode::kNotFound);
  r.tier = PricingTier::kOnDemand;
  r.providers = {"lamda"};
  EXPECT_TRUE(CostDeployment(r, prices, kToday).error().message.starts_with("--provider: unknown provider 'lamda'"));
  r.providers = {};
  r.slo_tpot_p95 = Seconds{0.001};
  EXPECT_EQ(CostDeployment(r, prices, kToday).error().code, ErrorCode::kInfeasible);
}

}  // namespace
}  // namespace capplan
