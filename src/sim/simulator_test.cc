#include <gtest/gtest.h>

#include <limits>

#include "capplan/sim.h"
#include "sim/testutil.h"

namespace capplan::sim {
namespace {

constexpr double kDt = 0.010;  // seconds per step of the constant fake
const ConstantStepTimeModel kConstant{Seconds{kDt}};

SimConfig OneReplica(int max_num_seqs = 256, int64_t budget = 8192) {
  SimConfig c;
  c.scheduler.max_num_seqs = max_num_seqs;
  c.scheduler.max_num_batched_tokens = budget;
  c.record_requests = true;
  return c;
}

TEST(Simulate, OneRequestAloneTakesOnePrefillStepThenOneStepPerToken) {
  auto r = Simulate(OneReplica(), std::vector<Request>{{Seconds{1.0}, 100, 10}}, kConstant);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const SimMetrics& m = r->metrics;
  EXPECT_EQ(m.completed_requests, 1);
  EXPECT_NEAR(m.ttft.mean.v, kDt, 1e-12);
  EXPECT_NEAR(m.e2e.mean.v, 10 * kDt, 1e-12);  // 1 prefill step + 9 decode steps
  EXPECT_NEAR(m.tpot.mean.v, kDt, 1e-12);
  EXPECT_NEAR(m.queueing_delay.mean.v, 0, 1e-12);
  EXPECT_EQ(m.itl.count, 9);
  EXPECT_NEAR(m.itl.p99.v, kDt, 1e-12);
  EXPECT_EQ(m.steps, 10);
  EXPECT_NEAR(m.window.v, 10 * kDt, 1e-12);
  EXPECT_NEAR(m.throughput.output_tokens_per_second, 10 / (10 * kDt), 1e-6);
  EXPECT_NEAR(m.throughput.total_tokens_per_second, 110 / (10 * kDt), 1e-6);
  EXPECT_NEAR(m.throughput.requests_per_second, 1 / (10 * kDt), 1e-6);
  ASSERT_EQ(r->requests.size(), 1u);
  EXPECT_NEAR(r->requests[0].finished_at->v, 1.0 + 10 * kDt, 1e-12);
}

TEST(Simulate, LongPromptTakesOnePrefillStepPerBudgetChunk) {
  // ceil(1000 / 256) = 4 prefill steps, the last of which emits the first token.
  auto r = Simulate(OneReplica(256, 256), std::vector<Request>{{Seconds{0}, 1000, 10}}, kConstant);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->metrics.ttft.mean.v, 4 * kDt, 1e-12);
  EXPECT_NEAR(r->metrics.e2e.mean.v, 13 * kDt, 1e-12);
}

TEST(Simulate, ChunkedPrefillShapesFollowTheTokenBudget) {
  RecordingStepTimeModel model{Seconds{kDt}};
  auto r = Simulate(OneReplica(256, 256), std::vector<Request>{{Seconds{0}, 1000, 2}}, model);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(model.shapes.size(), 5u);
  const int64_t chunks[] = {256, 256, 256, 232};
  for (int i = 0; i < 4; ++i) {
    const BatchShape& s = model.shapes[static_cast<size_t>(i)];
    EXPECT_EQ(s.prefill_sequences, 1);
    EXPECT_EQ(s.prefill_tokens, chunks[i]);
    EXPECT_EQ(s.prefill_cached_tokens, 256 * i);
    const double len = static_cast<double>(chunks[i]);
    EXPECT_DOUBLE_EQ(s.prefill_attention_pairs, len * (256.0 * i + (len + 1) / 2));
    EXPECT_EQ(s.decode_sequences, 0);
  }
  EXPECT_EQ(model.shapes[4].prefill_sequences, 0);
  EXPECT_EQ(model.shapes[4].decode_sequences, 1);
  EXPECT_EQ(model.shapes[4].decode_context_tokens, 1001);  // 1000 prompt tokens + the new one
}

TEST(Simulate, RequestsArrivingTogetherShareTheFirstStep) {
  auto r = Simulate(OneReplica(), Fixed(3, 0.0, 10, 1), kConstant);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->metrics.steps, 1);
  EXPECT_EQ(r->metrics.batch_size.max, 3);
  EXPECT_NEAR(r->metrics.ttft.p99.v, kDt, 1e-12);
  EXPECT_EQ(r->metrics.tpot.count, 0);  // TPOT is undefined for one output token
}

TEST(Simulate, QueueGrowsWhenArrivalsOutpaceService) {
  // One sequence at a time, 10 steps each: service 0.1 s; arrivals every 0.05 s.
  // Request k arrives at 0.05 k and starts when request k-1 ends at 0.1 k.
  auto r = Simulate(OneReplica(1), Fixed(20, 0.05, 10, 10), kConstant);
  ASSERT_TRUE(r.ok());
  for (const RequestRecord& rec : r->requests) {
    const double k = static_cast<double>(rec.id);
    EXPECT_NEAR((*rec.first_scheduled_at - rec.arrival).v, 0.05 * k, 1e-9) << rec.id;
    EXPECT_NEAR((*rec.first_token_at - rec.arrival).v, 0.05 * k + kDt, 1e-9) << rec.id;
  }
  EXPECT_NEAR(r->metrics.queueing_delay.mean.v, 0.05 * 9.5, 1e-9);
  EXPECT_NEAR(r->metrics.throughput.requests_per_second, 20 / 2.0, 1e-9);  // window [0, 2.0]
}

TEST(Simulate, LittlesLawHoldsOnAStableRun) {
  SimConfig c = OneReplica(8);
  c.time_series_interval = Seconds{0.005};
  WorkloadSpec w;
  w.rate_per_second = 15;
  w.num_requests = 5000;
  w.input.value = 64;
  w.output.value = 32;
  auto r = Simulate(c, w, kConstant);
  ASSERT_TRUE(r.ok());
  double in_system = 0;
  for (const TimeSeriesPoint& p : r->time_series) in_system += p.running + p.waiting;
  EXPECT_DOUBLE_EQ(r->time_series[10].time.v, 0.05);
  const double samples = static_cast<double>(r->time_series.size());
  const double L = in_system / samples;
  const double lambda = 5000 / (samples * 0.005);
  EXPECT_GT(L, 1.0);  // a loaded run, or the law holds trivially
  EXPECT_NEAR(L, lambda * r->metrics.e2e.mean.v, 0.03 * L);
  EXPECT_EQ(r->metrics.preemptions, 0);
}

// Two requests of 4 prompt + 6 output tokens in 4 blocks of 4 tokens. Each grows to 9 tokens in
// step 6 and needs a third block: A (older) preempts B (newest), finishes alone, and B recomputes
// its 4 + 5 known tokens in step 7, which emits its last token.
TEST(Simulate, PreemptsNewestSequenceExactlyWhenKvIsExhausted) {
  SimConfig c = OneReplica();
  c.scheduler.kv_block_tokens = 4;
  c.scheduler.kv_capacity_tokens = 16;
  RecordingStepTimeModel model{Seconds{kDt}};
  auto r = Simulate(c, Fixed(2, 0.0, 4, 6), model);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->metrics.preemptions, 1);
  ASSERT_EQ(model.shapes.size(), 7u);
  for (int i = 1; i < 5; ++i) EXPECT_EQ(model.shapes[static_cast<size_t>(i)].decode_sequences, 2) << i;
  EXPECT_EQ(model.shapes[5].decode_sequences, 1);
  EXPECT_EQ(model.shapes[6].prefill_tokens, 9);
  EXPECT_EQ(model.shapes[6].prefill_cached_tokens, 0);
  EXPECT_EQ(r->requests[0].preemptions, 0);
  EXPECT_EQ(r->requests[1].preemptions, 1);
  EXPECT_NEAR(r->requests[0].finished_at->v, 6 * kDt, 1e-12);
  EXPECT_NEAR(r->requests[1].finished_at->v, 7 * kDt, 1e-12);
  EXPECT_DOUBLE_EQ(r->metrics.kv_cache_utilization.max, 1.0);
  // ITL: 9 gaps of one step, and B's last gap of two steps (5 dt to 7 dt) across the preemption.
  EXPECT_EQ(r->metrics.itl.count, 10);
  EXPECT_NEAR(r->metrics.itl.mean.v, 1.1 * kDt, 1e-12);
  EXPECT_NEAR(r->metrics.itl.p99.v, 1.91 * kDt, 1e-12);  // rank 8.91 between dt and 2 dt
  EXPECT_NEAR(r->metrics.batch_size.mean, 12.0 / 7, 1e-12);

  c.scheduler.kv_capacity_tokens = 24;  // 6 blocks: both fit at 9 tokens
  auto roomy = Simulate(c, Fixed(2, 0.0, 4, 6), kConstant);
  ASSERT_TRUE(roomy.ok());
  EXPECT_EQ(roomy->metrics.preemptions, 0);
}

TEST(Simulate, KvUtilisationIsTimeWeighted) {
  SimConfig c = OneReplica();
  c.scheduler.kv_block_tokens = 16;
  c.scheduler.kv_capacity_tokens = 32;
  // 1 block held for the one step of the run: half the cache over the whole window.
  auto r = Simulate(c, std::vector<Request>{{Seconds{0}, 16, 1}}, kConstant);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->metrics.kv_cache_utilization.mean, 0.5, 1e-12);
  EXPECT_NEAR(r->metrics.kv_cache_utilization.max, 0.5, 1e-12);
}

TEST(Simulate, RoundRobinAlternatesAndLeastOutstandingPicksTheIdleReplica) {
  SimConfig c = OneReplica();
  c.replicas = 2;
  // r0 is long (100 steps), r1 short (2 steps), r2 arrives after r1 finished.
  const std::vector<Request> reqs = {{Seconds{0}, 10, 100}, {Seconds{0}, 10, 2}, {Seconds{0.5}, 10, 2}};
  auto rr = Simulate(c, reqs, kConstant);
  ASSERT_TRUE(rr.ok());
  EXPECT_EQ(rr->requests[2].replica, 0);
  c.load_balancer = LoadBalancer::kLeastOutstandingRequests;
  auto lor = Simulate(c, reqs, kConstant);
  ASSERT_TRUE(lor.ok());
  EXPECT_EQ(lor->requests[0].replica, 0);
  EXPECT_EQ(lor->requests[1].replica, 1);
  EXPECT_EQ(lor->requests[2].replica, 1);
}

TEST(Simulate, AReplicaStillLoadingGetsNoRequestsUntilItIsReady) {
  SimConfig c = OneReplica(1);  // one sequence at a time: each request takes 20 steps = 0.2 s
  c.replicas = 2;
  c.load_balancer = LoadBalancer::kLeastOutstandingRequests;
  c.replica_ready_at = {Seconds{0}, Seconds{0.25}};
  // Four requests at 0, 0.1, 0.2, 0.3 s. Replica 1 loads until 0.25 s, so the first three queue on replica 0
  // (none moves when replica 1 comes up) and the fourth goes to the now idle replica 1.
  auto r = Simulate(c, Fixed(4, 0.1, 10, 20), kConstant);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->requests[0].replica, 0);
  EXPECT_EQ(r->requests[1].replica, 0);
  EXPECT_EQ(r->requests[2].replica, 0);
  EXPECT_EQ(r->requests[3].replica, 1);
  // Replica 0 runs them back to back: request 2 starts when request 1 ends at 0.4 s.
  EXPECT_NEAR(r->requests[2].first_token_at->v, 0.4 + kDt, 1e-9);
  EXPECT_NEAR(r->requests[3].first_token_at->v, 0.3 + kDt, 1e-9);
  // Without the loading time, request 1 goes to the idle replica 1.
  c.replica_ready_at.clear();
  auto all = Simulate(c, Fixed(4, 0.1, 10, 20), kConstant);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->requests[1].replica, 1);
}

TEST(Simulate, ReplicaReadyTimesAreChecked) {
  SimConfig c = OneReplica();
  c.replicas = 2;
  c.replica_ready_at = {Seconds{1}};
  auto wrong_size = Simulate(c, Fixed(1, 0, 10, 2), kConstant);
  ASSERT_FALSE(wrong_size.ok());
  EXPECT_EQ(wrong_size.error().message, "SimConfig: replica_ready_at has 1 entries for 2 replicas");
  c.replica_ready_at = {Seconds{1}, Seconds{2}};
  auto none_ready = Simulate(c, Fixed(1, 0, 10, 2), kConstant);
  ASSERT_FALSE(none_ready.ok());
  EXPECT_EQ(none_ready.error().field, "replica_ready_at");
}

TEST(Simulate, SameSeedSameResultDifferentSeedDifferentResult) {
  SimConfig c = OneReplica(16);
  c.seed = 7;
  WorkloadSpec w;
  w.arrival = ArrivalProcess::kGamma;
  w.rate_per_second = 20;
  w.gamma_cv = 2;
  w.num_requests = 500;
  w.input = {.kind = LengthDistribution::kLognormal, .mean = 200, .sigma = 0.8};
  w.output = {.kind = LengthDistribution::kUniform, .min = 2, .max = 50};
  auto a = Simulate(c, w, kConstant);
  auto b = Simulate(c, w, kConstant);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->requests.size(), b->requests.size());
  for (size_t i = 0; i < a->requests.size(); ++i) {
    EXPECT_EQ(a->requests[i].finished_at, b->requests[i].finished_at);
    EXPECT_EQ(a->requests[i].input_tokens, b->requests[i].input_tokens);
  }
  EXPECT_EQ(a->metrics.ttft.p99, b->metrics.ttft.p99);
  EXPECT_EQ(a->metrics.itl.mean, b->metrics.itl.mean);
  c.seed = 8;
  auto other = Simulate(c, w, kConstant);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(a->metrics.e2e.mean, other->metrics.e2e.mean);
}

TEST(Simulate, GoodputCountsRequestsMeetingEverySlo) {
  SimConfig c = OneReplica(1);
  c.slo.ttft = Seconds{0.05 * 4 + kDt + 1e-9};  // requests 0..4 of the queue test meet it
  auto r = Simulate(c, Fixed(20, 0.05, 10, 10), kConstant);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->metrics.goodput_requests_per_second, 5 / 2.0, 1e-9);
}

TEST(Simulate, RejectsARequestLargerThanTheKvCache) {
  SimConfig c = OneReplica();
  c.scheduler.kv_capacity_tokens = 64;
  c.scheduler.kv_block_tokens = 16;
  auto r = Simulate(c, std::vector<Request>{{Seconds{0}, 10, 1}, {Seconds{0}, 60, 6}}, kConstant);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "request 1: input_tokens + output_tokens - 1 = 65 tokens do not fit in kv_capacity_tokens=64");
}

TEST(Simulate, RejectsInvalidConfig) {
  SimConfig c = OneReplica();
  c.replicas = 0;
  auto r = Simulate(c, Fixed(1, 0, 1, 1), kConstant);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "SimConfig: replicas=0 must be at least 1");
  EXPECT_EQ(r.error().field, "replicas");
}

TEST(Simulate, RefusesSimulationsOverTheLimits) {
  SimConfig c = OneReplica();
  c.limits.max_requests = 10;
  auto many = Simulate(c, Fixed(11, 0.1, 1, 1), kConstant);
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.error().code, ErrorCode::kResourceLimit);
  EXPECT_EQ(many.error().message, "simulation has 11 requests, over the limit of 10 (SimConfig.limits.max_requests)");
  c.limits.max_steps = 5;
  // 3 prefill chunks of the 8192-token budget and 3 decode steps: 6 steps, past the limit only while running
  // (the up-front lower bound, 4 output tokens, is within it).
  auto steps = Simulate(c, Fixed(1, 0, 20000, 4), kConstant);
  ASSERT_FALSE(steps.ok());
  EXPECT_EQ(steps.error().code, ErrorCode::kResourceLimit);
  EXPECT_EQ(steps.error().message, "simulation exceeds the limit of 5 engine steps (SimConfig.limits.max_steps)");
  c.limits.max_time_series_points = 3;
  c.time_series_interval = Seconds{0.001};
  auto series = Simulate(c, Fixed(1, 0, 1, 1), kConstant);
  ASSERT_FALSE(series.ok());
  EXPECT_EQ(series.error().message,
            "time series exceeds the limit of 3 points (SimConfig.limits.max_time_series_points); raise the interval");
}

TEST(Simulate, RefusesWorkKnownToPassTheLimitsBeforeRunning) {
  SimConfig c = OneReplica(/*max_num_seqs=*/4);
  c.limits.max_steps = 100;
  // 101 requests of 4 output tokens need at least 101 steps with 4 sequences per step.
  auto steps = Simulate(c, Fixed(101, 0.0, 1, 4), kConstant);
  ASSERT_FALSE(steps.ok());
  EXPECT_EQ(steps.error().code, ErrorCode::kResourceLimit);
  EXPECT_EQ(steps.error().message,
            "simulation needs at least 101 engine steps, over the limit of 100 (SimConfig.limits.max_steps); simulate "
            "fewer or shorter requests");
  c.limits.max_time_series_points = 10;
  c.time_series_interval = Seconds{0.1};
  auto series = Simulate(c, Fixed(3, 1.0, 1, 1), kConstant);  // last arrival at 2 s: 20 points at least
  ASSERT_FALSE(series.ok());
  EXPECT_EQ(series.error().message,
            "time series needs at least 20 points, over the limit of 10 (SimConfig.limits.max_time_series_points); "
            "raise the interval");
  c = OneReplica();
  c.replicas = 1'000'000;
  auto replicas = Simulate(c, Fixed(1, 0, 1, 1), kConstant);
  ASSERT_FALSE(replicas.ok());
  EXPECT_EQ(replicas.error().code, ErrorCode::kResourceLimit);
  EXPECT_EQ(replicas.error().message,
            "SimConfig: replicas=1000000 over the limit of 4096 (SimConfig.limits.max_replicas)");
}

TEST(Simulate, HugeTokenCountsAreRefusedWithoutOverflow) {
  std::vector<Request> r = {{Seconds{0}, std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::max()}};
  auto res = Simulate(OneReplica(), r, kConstant);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().field, "kv_capacity_tokens");
}

}  // namespace
}  // namespace capplan::sim
