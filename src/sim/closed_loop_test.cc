// Golden tests of the closed loop against closed-form answers. With a constant-time fake step model
// every step lasts dt, so a request of `osl` output tokens that is scheduled at once lasts exactly
// osl steps (the prefill step emits the first token, osl - 1 decode steps the rest). Little's law for a
// closed system of N clients with no think time: N = X x E2E, X the request throughput.
#include <gtest/gtest.h>

#include "capplan/sim.h"
#include "sim/testutil.h"

namespace capplan::sim {
namespace {

constexpr double kDt = 0.010;  // seconds per step of the constant fake
const ConstantStepTimeModel kConstant{Seconds{kDt}};

SimConfig OneReplica(int max_num_seqs) {
  SimConfig c;
  c.scheduler.max_num_seqs = max_num_seqs;
  c.scheduler.max_num_batched_tokens = 8192;
  return c;
}

std::vector<Request> Lengths(int64_t n, int64_t input, int64_t output) {
  return std::vector<Request>(static_cast<size_t>(n), Request{Seconds{0}, input, output});
}

TEST(ClosedLoop, EveryClientRunsAtOnceWhenTheBatchHoldsThem) {
  constexpr int kClients = 8;
  constexpr int64_t kOsl = 10;
  auto r = SimulateClosedLoop(OneReplica(256), {.clients = kClients}, Lengths(400, 100, kOsl), kConstant);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const SimMetrics& m = r->metrics;
  // Closed form: E2E = osl x dt, TTFT = dt, TPOT = dt, X = N / E2E.
  EXPECT_NEAR(m.e2e.mean.v, kOsl * kDt, 1e-9);
  EXPECT_NEAR(m.ttft.mean.v, kDt, 1e-9);
  EXPECT_NEAR(m.tpot.mean.v, kDt, 1e-9);
  EXPECT_NEAR(m.throughput.requests_per_second, kClients / (kOsl * kDt), 1e-6);
  EXPECT_NEAR(m.throughput.output_tokens_per_second, kClients / kDt, 1e-4);
  EXPECT_NEAR(m.throughput.requests_per_second * m.e2e.mean.v, kClients, 1e-6);  // Little's law
  EXPECT_DOUBLE_EQ(m.batch_size.mean, kClients);
}

TEST(ClosedLoop, ClientsBeyondTheBatchCapQueueAndLittlesLawStillHolds) {
  // 12 clients, 4 running at a time: X = 4 / (osl dt); Little: E2E = N / X = 3 osl dt, of which
  // 2 osl dt queueing. Requests move in waves of 4, so the equalities are exact.
  constexpr int kClients = 12;
  constexpr int kCap = 4;
  constexpr int64_t kOsl = 10;
  auto r = SimulateClosedLoop(OneReplica(kCap), {.clients = kClients}, Lengths(600, 100, kOsl), kConstant);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const SimMetrics& m = r->metrics;
  const double x = kCap / (kOsl * kDt);
  EXPECT_NEAR(m.throughput.requests_per_second, x, 1e-6 * x);
  EXPECT_NEAR(m.e2e.mean.v, kClients / x, 1e-9);
  EXPECT_NEAR(m.queueing_delay.mean.v, kClients / x - kOsl * kDt, 1e-9);
  EXPECT_NEAR(m.throughput.requests_per_second * m.e2e.mean.v, kClients, 1e-6);
}

TEST(ClosedLoop, WarmupAndDrainAreExcludedFromTheMeasuredRequests) {
  constexpr int kClients = 5;
  auto r =
      SimulateClosedLoop(OneReplica(256), {.clients = kClients, .warmup_requests = 20}, Lengths(100, 10, 4), kConstant);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->metrics.completed_requests, 100 - 20 - kClients);
}

TEST(ClosedLoop, RefusesTooFewRequestsAndNoClients) {
  auto few = SimulateClosedLoop(OneReplica(256), {.clients = 10}, Lengths(15, 10, 4), kConstant);
  ASSERT_FALSE(few.ok());
  EXPECT_EQ(few.error().field, "requests");
  auto none = SimulateClosedLoop(OneReplica(256), {.clients = 0}, Lengths(15, 10, 4), kConstant);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().field, "concurrency");
}

TEST(ClosedLoop, DefaultRequestsLeaveMeasuredRoundsAfterWarmupAndDrain) {
  EXPECT_EQ(DefaultWarmupRequests(64), 64);
  EXPECT_EQ(DefaultClosedLoopRequests(64), 64 + 256 + 64);
  EXPECT_EQ(DefaultClosedLoopRequests(1), 1 + 200 + 1);
}

}  // namespace
}  // namespace capplan::sim
