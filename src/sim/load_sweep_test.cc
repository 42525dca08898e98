#include <gtest/gtest.h>

#include "capplan/sim.h"
#include "sim/testutil.h"

namespace capplan::sim {
namespace {

// One sequence at a time, 1 prefill + 9 decode steps of 10 ms: each request takes 0.1 s, so the
// server's capacity is exactly 10 requests/s. Below it E2E is 0.1 s; above it the queue grows and
// p95 E2E runs past the 0.15 s target within the 400-request run.
TEST(LoadSweep, FindsTheCapacityOfAConstantTimeServer) {
  SimConfig config;
  config.scheduler.max_num_seqs = 1;
  LoadSweepSpec spec;
  spec.workload.arrival = ArrivalProcess::kConstant;
  spec.workload.num_requests = 400;
  spec.workload.input.value = 8;
  spec.workload.output.value = 10;
  spec.targets.e2e_p95 = Seconds{0.15};
  spec.initial_rate_per_second = 1;
  std::vector<double> fractions;
  auto r = LoadSweep(config, spec, ConstantStepTimeModel{Seconds{0.01}}, [&](double f) { fractions.push_back(f); });
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->found);
  EXPECT_NEAR(r->max_rate_per_second, 10, 0.15);
  ASSERT_FALSE(fractions.empty());
  for (size_t i = 1; i < fractions.size(); ++i) EXPECT_GE(fractions[i], fractions[i - 1]);
  EXPECT_DOUBLE_EQ(fractions.back(), 1.0);
  for (const LoadSweepPoint& p : r->points) EXPECT_EQ(p.meets_targets, p.rate_per_second <= 10.01) << p.rate_per_second;
}

// Issue 16: a TPOT target below the fastest decode step halved the rate for 50 s; the floor answers at once.
TEST(LoadSweep, ATargetBelowTheAnalyticFloorIsUnreachableWithoutSimulating) {
  LoadSweepSpec spec;
  spec.workload.num_requests = 2000;
  spec.targets.tpot_p95 = Seconds{0.0001};  // below one 10 ms step
  auto r = LoadSweep(SimConfig{}, spec, ConstantStepTimeModel{Seconds{0.01}});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->found);
  EXPECT_TRUE(r->points.empty());
  EXPECT_NE(r->unreachable.find("below the fastest decode step"), std::string::npos) << r->unreachable;
}

TEST(LoadSweep, ReportsNotFoundWhenEvenOneRequestMissesTheTarget) {
  LoadSweepSpec spec;
  spec.workload.num_requests = 20;
  spec.targets.ttft_p95 = Seconds{0.001};  // below one 10 ms step
  auto r = LoadSweep(SimConfig{}, spec, ConstantStepTimeModel{Seconds{0.01}});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->found);
  EXPECT_EQ(r->max_rate_per_second, 0);
}

}  // namespace
}  // namespace capplan::sim

namespace capplan::sim {
namespace {

// Issue 17: a sweep of 1-10 requests met the targets at every rate it doubled to and reported 5e9 requests/s.
TEST(LoadSweep, TooFewRequestsToLoadTheServerIsAnErrorNotAHugeCapacity) {
  LoadSweepSpec spec;
  spec.workload.num_requests = 5;
  spec.targets.e2e_p95 = Seconds{10};  // 5 requests of 0.1 s each never wait 10 s, whatever the rate
  spec.max_simulations = 30;
  auto r = LoadSweep(SimConfig{}, spec, ConstantStepTimeModel{Seconds{0.01}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "num_requests");
  EXPECT_NE(r.error().message.find("the capacity was not found; simulate more requests (5 requests"), std::string::npos)
      << r.error().message;
}

TEST(LoadSweep, RejectsATraceWorkloadAndBadTolerance) {
  LoadSweepSpec spec;
  spec.workload.arrival = ArrivalProcess::kTrace;
  const ConstantStepTimeModel model{Seconds{0.01}};
  auto trace = LoadSweep(SimConfig{}, spec, model);
  ASSERT_FALSE(trace.ok());
  EXPECT_EQ(trace.error().message, "LoadSweepSpec: a load sweep varies the rate, so arrivals cannot come from a trace");
  spec.workload.arrival = ArrivalProcess::kPoisson;
  spec.relative_tolerance = 0;
  EXPECT_EQ(LoadSweep(SimConfig{}, spec, model).error().message, "LoadSweepSpec: relative_tolerance must be in (0, 1)");
}

}  // namespace
}  // namespace capplan::sim
