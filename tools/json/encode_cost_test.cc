// The wire format of `capplan cost --json` and POST /api/cost: the keys the issue names, and request errors.
#include "encode_cost.h"

#include <gtest/gtest.h>

namespace capplan::json {
namespace {

TEST(CostJson, ProvidersCarryTheNamedKeysAndTheRequestDecodes) {
  auto req = DecodeCostRequest(nlohmann::json::parse(
      R"({"model": {"preset": "llama-4-scout"}, "gpu": "h100", "gpus": 4, "weights": "bf16",
          "pricing": "on-demand", "providers": ["RunPod", "CoreWeave"], "cached_input_fraction": 0.5})"));
  ASSERT_TRUE(req.ok()) << req.error().message;
  EXPECT_EQ(req->providers.size(), 2u);
  EXPECT_EQ(req->cached_input_fraction, 0.5);
  auto report = CostDeployment(*req, *PriceCatalog::BuiltIn(), {2026, 12, 1});
  ASSERT_TRUE(report.ok()) << report.error().message;
  const nlohmann::json j = EncodeCost(*req, *report);
  ASSERT_EQ(j["providers"].size(), 2u);
  for (const char* key :
       {"provider", "usd_per_hour", "usd_per_month", "usd_per_million_output_tokens", "gpus_billed", "as_of", "tier"})
    EXPECT_TRUE(j["providers"][0].contains(key)) << key;
  // CoreWeave's 8-GPU box for 4 GPUs: 8 billed, 8 x 6.155 = 49.24 $/h, x 730 = 35,945.20 $/month.
  const nlohmann::json& cw = j["providers"][1];
  EXPECT_EQ(cw["provider"], "CoreWeave");
  EXPECT_EQ(cw["gpus_billed"], 8);
  EXPECT_NEAR(cw["usd_per_month"].get<double>(), 35945.20, 1e-6);
  EXPECT_EQ(cw["tier"], "on-demand");
}

TEST(CostJson, RequestErrorsNameTheField) {
  auto bad = [](const char* body) { return DecodeCostRequest(nlohmann::json::parse(body)).error().message; };
  EXPECT_EQ(bad(R"({"model": {"preset": "llama-4-scout"}, "pricing": "cheap"})"),
            "request: pricing: 'cheap' must be one of on-demand, reserved-1y, reserved-3y, spot, own");
  EXPECT_EQ(bad(R"({"model": {"preset": "llama-4-scout"}, "providers": "RunPod"})"),
            "request: providers must be an array of strings, not a string");
  EXPECT_NE(bad(R"({"model": {"preset": "llama-4-scout"}, "batch": 4})").find("unknown field \"batch\""),
            std::string::npos);
}

}  // namespace
}  // namespace capplan::json
