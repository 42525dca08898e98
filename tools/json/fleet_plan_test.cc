// DecodeTrafficProfile (POST /api/plan's traffic_profile) and DecodeFitRequest (POST /api/fit): exact error texts.
#include "fleet_plan.h"

#include <gtest/gtest.h>

#include "encode_fit.h"

namespace capplan::json {
namespace {

TEST(DecodeTrafficProfile, TheCliDiurnalStringGivesItsHours) {
  auto p = DecodeTrafficProfile("diurnal:peak=15,trough=2");
  ASSERT_TRUE(p.ok()) << p.error().message;
  ASSERT_EQ(p->requests_per_second.size(), 24u);
  EXPECT_EQ(p->PeakRate(), 15);
  EXPECT_EQ(p->requests_per_second[0], 2);
  EXPECT_EQ(p->requests_per_second[12], 15);  // docs/plan.md: the peak's hours start at 09:00
}

TEST(DecodeTrafficProfile, TwentyFourRatesAreTheHours) {
  nlohmann::json hours = nlohmann::json::array();
  for (int h = 0; h < 24; ++h) hours.push_back(h < 12 ? 1.0 : 3.0);
  auto p = DecodeTrafficProfile(hours);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->MeanRate(), 2.0);
  EXPECT_EQ(p->description, "24 hourly rates: peak 3 req/s, mean 2 req/s");
  auto flat = DecodeTrafficProfile(std::vector<double>(24, 4.5));
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(flat->description, "flat: 4.5 req/s all day");
}

TEST(DecodeTrafficProfile, ErrorsNameTheFieldAndTheRule) {
  auto two = DecodeTrafficProfile(nlohmann::json::array({1, 2}));
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.error().field, "traffic_profile");
  EXPECT_EQ(two.error().message,
            "request: traffic_profile must be diurnal:peak=R1,trough=R2[,peak-hours=H] or an array of 24 hourly "
            "requests/s, not an array of 2");
  nlohmann::json negative = std::vector<double>(24, 1.0);
  negative[5] = -1;
  auto neg = DecodeTrafficProfile(negative);
  ASSERT_FALSE(neg.ok());
  EXPECT_EQ(neg.error().message, "request: traffic_profile[5] must be a number of requests/s in [0, 1e6], not -1");
  auto zeros = DecodeTrafficProfile(std::vector<double>(24, 0.0));
  ASSERT_FALSE(zeros.ok());
  EXPECT_EQ(zeros.error().message,
            "request: traffic_profile has a rate of 0 every hour; give at least one positive rate");
  auto trough = DecodeTrafficProfile("diurnal:peak=5,trough=20");
  ASSERT_FALSE(trough.ok());
  EXPECT_EQ(trough.error().field, "traffic_profile");  // the library names "trough"; the page has one field
  EXPECT_EQ(trough.error().message, "request: traffic_profile: trough=20 must be in [0, peak]");
  auto type = DecodeTrafficProfile(true);
  ASSERT_FALSE(type.ok());
  EXPECT_NE(type.error().message.find("not a boolean"), std::string::npos) << type.error().message;
}

TEST(DecodeFitRequest, DefaultsAreTheCliFlags) {
  auto r = DecodeFitRequest(nlohmann::json::parse(R"({"model": {"preset": "llama-3.1-8b"}})"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->query.workload.context, 8192);
  EXPECT_EQ(r->query.workload.batch, 1);
  EXPECT_EQ(r->query.max_gpus, 64);
  EXPECT_EQ(r->query.engine, Engine::kVllm);
  auto big = DecodeFitRequest(nlohmann::json::parse(R"({"model": {"preset": "llama-3.1-8b"}, "max_gpus": 2048})"));
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().field, "max_gpus");
}

}  // namespace
}  // namespace capplan::json
