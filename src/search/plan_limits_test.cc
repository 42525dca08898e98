// Plan refuses requests whose work would be unbounded, before searching, with the limit it exceeds.
#include <gtest/gtest.h>

#include "capplan/search.h"

namespace capplan {
namespace {

Error PlanError(const PlanRequest& r) {
  auto prices = PriceCatalog::BuiltIn();
  auto res = Plan(r, GpuCatalog::BuiltIn(), *prices, Date{2026, 11, 1});
  EXPECT_FALSE(res.ok());
  return res.ok() ? Error::InvalidArgument("(no error)") : res.error();
}

PlanRequest Small() {
  PlanRequest r;
  r.model = *LoadPreset("qwen3-8b");
  r.preset = "qwen3-8b";
  return r;
}

// Issue 17: static_cast<int>(ceil(rate / capacity)) overflowed, and this plan was "feasible on 1x L40S". The
// per-replica targets are met; the replica count is what no allowed deployment reaches, and the reason says so.
TEST(PlanLimits, AReplicaCountBeyondIntIsInfeasibleWithTheHonestReason) {
  PlanRequest r;
  r.model = *LoadPreset("llama-3.1-8b");
  r.preset = "llama-3.1-8b";
  r.input_tokens = 1000;
  r.output_tokens = 100000;
  r.rate_per_second = 1e6;
  r.finalists = 0;
  auto prices = PriceCatalog::BuiltIn();
  auto res = Plan(r, GpuCatalog::BuiltIn(), *prices, Date{2026, 11, 1});
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_TRUE(res->candidates.empty());
  EXPECT_NE(res->infeasible_reason.find("need more than 256 replicas for 1e+06 requests/s"), std::string::npos)
      << res->infeasible_reason;
  EXPECT_EQ(res->infeasible_reason.find("the fastest decode step"), std::string::npos);  // not the steps' fault
}

TEST(PlanLimits, TooManySimulatedRequestsAreRefused) {
  PlanRequest r = Small();
  r.sim_requests = 2'000'000;
  const Error e = PlanError(r);
  EXPECT_EQ(e.code, ErrorCode::kResourceLimit);
  EXPECT_EQ(e.message, "--sim-requests=2000000 exceeds the limit of 100000");
  EXPECT_EQ(e.field, "sim-requests");
}

TEST(PlanLimits, TooManyFinalistsAreRefused) {
  PlanRequest r = Small();
  r.finalists = 1000;
  EXPECT_EQ(PlanError(r).message, "--finalists=1000 exceeds the limit of 32");
  r.finalists = -1;
  EXPECT_EQ(PlanError(r).message, "--finalists must not be negative");
}

TEST(PlanLimits, HugeRequestLengthsAndReplicaCountsAreRefused) {
  PlanRequest r = Small();
  r.output_tokens = int64_t{1} << 40;
  EXPECT_EQ(PlanError(r).message, "--output=1099511627776 exceeds the limit of 134217728");
  r = Small();
  r.max_replicas = 1'000'000;
  EXPECT_EQ(PlanError(r).message, "plan request: max_replicas=1000000 exceeds the limit of 4096");
  r = Small();
  r.gpus_per_replica = {1, 0};
  EXPECT_EQ(PlanError(r).message, "plan request: gpus_per_replica=0 must be in [1, 1024]");
}

}  // namespace
}  // namespace capplan
