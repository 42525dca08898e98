// Disaggregated prefill/decode against hand arithmetic, with constant-time fakes: every prefill
// step 100 ms, every decode step 10 ms; the KV link 1 GB/s with 2 ms per transfer; 100 kB of KV
// per prompt token, so a 1,000-token prompt's KV (100 MB) takes 2 + 100 = 102 ms to move.
#include "sim/disagg.h"

#include <gtest/gtest.h>

#include "sim/testutil.h"

namespace capplan {
namespace {

using sim::ConstantStepTimeModel;

const ConstantStepTimeModel kPrefill(Seconds{0.100});
const ConstantStepTimeModel kDecode(Seconds{0.010});

DisaggConfig Config() {
  DisaggConfig c;
  c.prefill.max_num_batched_tokens = 1000;
  c.link = {.bandwidth = BytesPerSec{1e9}, .latency = Seconds{0.002}};
  c.kv_bytes_per_token = Bytes{1e5};
  return c;
}

DisaggResult Serve(const DisaggConfig& c, const std::vector<Request>& r) {
  auto out = SimulateDisaggregated(c, r, kPrefill, kDecode);
  EXPECT_TRUE(out.ok()) << out.error().message;
  return out.ok() ? *out : DisaggResult{};
}

TEST(Disagg, OneRequestTtftIsPrefillPlusTransferPlusTheFirstDecodeStep) {
  // Prefill 0 -> 0.100; transfer 0.100 -> 0.202; first decode step 0.202 -> 0.212 = TTFT.
  // Ten tokens: nine more steps, finished at 0.302; TPOT (0.302 - 0.212) / 9 = 10 ms.
  const DisaggResult r = Serve(Config(), {{Seconds{0}, 1000, 10}});
  ASSERT_EQ(r.requests.size(), 1u);
  EXPECT_NEAR(r.requests[0].transfer_end.v, 0.202, 1e-12);
  EXPECT_NEAR(r.ttft.mean.v, 0.212, 1e-12);
  EXPECT_NEAR(r.e2e.mean.v, 0.302, 1e-12);
  EXPECT_NEAR(r.tpot.mean.v, 0.010, 1e-12);
  EXPECT_NEAR(r.transfer.mean.v, 0.102, 1e-12);
}

TEST(Disagg, WhenThePrefillWorkerEmitsTheFirstToken) {
  // Engines that count the prefill worker's token: TTFT 0.100; nine decode steps after 0.202.
  DisaggConfig c = Config();
  c.first_token_after_decode_step = false;
  const DisaggResult r = Serve(c, {{Seconds{0}, 1000, 10}});
  EXPECT_NEAR(r.ttft.mean.v, 0.100, 1e-12);
  EXPECT_NEAR(r.e2e.mean.v, 0.292, 1e-12);
}

TEST(Disagg, PromptsQueueForThePrefillWorkerAndTransfersForTheLink) {
  // Two 1,000-token prompts at t = 0, budget 1,000 tokens a step: prefills 0-0.1 and 0.1-0.2.
  // Transfers 0.100-0.202 and 0.202-0.304 (the second waits 2 ms for the link). The decode worker
  // finished the first request (10 tokens) at 0.302 and is idle: the second's first token 0.314.
  const DisaggResult r = Serve(Config(), {{Seconds{0}, 1000, 10}, {Seconds{0}, 1000, 10}});
  ASSERT_EQ(r.requests.size(), 2u);
  EXPECT_NEAR(r.requests[1].prefill_start.v, 0.100, 1e-12);
  EXPECT_NEAR(r.requests[1].transfer_start.v, 0.202, 1e-12);
  EXPECT_NEAR((r.requests[1].first_token - r.requests[1].arrival).v, 0.314, 1e-12);
  EXPECT_NEAR(r.prefill_queue.mean.v, 0.050, 1e-12);  // (0 + 0.1) / 2
}

TEST(Disagg, BatchedPromptsAndAJoinAtTheNextDecodeStepBoundary) {
  // Budget 2,000. Request 0 (20 tokens out) starts alone at 0; requests 1 and 2 arrive at 0.05
  // while it runs and share the next step, 0.1-0.2. Transfers: 0.100-0.202, 0.202-0.304,
  // 0.304-0.406. Decode steps of request 0 end 0.212, 0.222, ...; request 1 lands at 0.304,
  // mid-step, joins at 0.312: first token 0.322, its tenth at 0.412. Request 0 ends at 0.402;
  // request 2 lands at 0.406, mid-step again, joins at 0.412: first token 0.422.
  DisaggConfig c = Config();
  c.prefill.max_num_batched_tokens = 2000;
  const DisaggResult r = Serve(c, {{Seconds{0}, 1000, 20}, {Seconds{0.05}, 1000, 10}, {Seconds{0.05}, 1000, 10}});
  EXPECT_NEAR(r.requests[1].prefill_end.v, 0.200, 1e-12);
  EXPECT_NEAR(r.requests[2].prefill_end.v, 0.200, 1e-12);
  EXPECT_NEAR(r.requests[2].transfer_end.v, 0.406, 1e-12);
  EXPECT_NEAR(r.requests[1].first_token.v, 0.322, 1e-9);
  EXPECT_NEAR(r.requests[2].first_token.v, 0.422, 1e-9);
}

TEST(Disagg, ClosedLoopClientSendsTheNextRequestWhenOneFinishes) {
  // One client, three requests: each 0.302 s end to end, back to back.
  DisaggConfig c = Config();
  c.closed_loop_clients = 1;
  const DisaggResult r = Serve(c, sim::Fixed(3, 0, 1000, 10));
  ASSERT_EQ(r.completed_requests, 3);
  EXPECT_NEAR(r.requests[2].arrival.v, 0.604, 1e-9);
  EXPECT_NEAR(r.e2e.p99.v, 0.302, 1e-9);
  EXPECT_NEAR(r.window.v, 0.906, 1e-9);
}

TEST(Disagg, AMeasuredClosedLoopExcludesTheWarmUpAndTheDrainAsTheAggregatedOneDoes) {
  // Two clients send 1,000-token prompts (10 output tokens) at t = 0. The second prompt waits 100 ms for the prefill
  // worker and its transfer 2 ms for the link: it finishes at 0.404 (E2E 0.404). From then on the two clients are
  // staggered and every request runs alone: prefill 0.100 + transfer 0.102 + 10 decode steps = 0.302 s, TTFT
  // 0.212 s. Sends: 0, 0, 0.302, 0.404, 0.604, 0.706. Warm-up = one round (2 requests), drain = the last 2.
  DisaggConfig c = Config();
  c.closed_loop_clients = 2;
  c.closed_loop_warmup_requests = -1;
  const DisaggResult r = Serve(c, sim::Fixed(6, 0, 1000, 10));
  ASSERT_EQ(r.requests.size(), 6u);
  EXPECT_NEAR(r.requests[1].finished.v - r.requests[1].arrival.v, 0.404, 1e-9);  // the warm-up's collision
  EXPECT_EQ(r.completed_requests, 2);                                            // requests 2 and 3
  EXPECT_NEAR(r.e2e.p99.v, 0.302, 1e-9);
  EXPECT_NEAR(r.ttft.p99.v, 0.212, 1e-9);
  // Throughput: completions in (0.302, 0.706] (at 0.404, 0.604, 0.706) over the 0.404 s between those sends.
  EXPECT_NEAR(r.window.v, 0.404, 1e-9);
  EXPECT_NEAR(r.requests_per_second, 3 / 0.404, 1e-9);
  EXPECT_NEAR(r.e2e.mean.v, 0.302, 1e-9);
  // Unmeasured (the old behaviour), the warm-up's collision counts: mean (5 x 0.302 + 0.404) / 6.
  c.closed_loop_warmup_requests.reset();
  EXPECT_NEAR(Serve(c, sim::Fixed(6, 0, 1000, 10)).e2e.mean.v, (5 * 0.302 + 0.404) / 6, 1e-9);
  // Too few requests to measure anything after the warm-up and before the drain.
  c.closed_loop_warmup_requests = -1;
  auto few = SimulateDisaggregated(c, sim::Fixed(4, 0, 1000, 10), kPrefill, kDecode);
  ASSERT_FALSE(few.ok());
  EXPECT_EQ(few.error().field, "requests");
}

TEST(Disagg, ShortestQueueSpreadsPromptsOverPrefillWorkers) {
  DisaggConfig c = Config();
  c.prefill.workers = 2;
  c.decode.workers = 2;
  const DisaggResult r = Serve(c, {{Seconds{0}, 1000, 10}, {Seconds{0}, 1000, 10}});
  EXPECT_EQ(r.requests[0].prefill_worker, 0);
  EXPECT_EQ(r.requests[1].prefill_worker, 1);
  EXPECT_NEAR(r.ttft.p99.v, 0.212, 1e-12);  // nobody waits: two workers, two links
}

TEST(Disagg, BadConfigurationsNameTheField) {
  DisaggConfig c = Config();
  c.prefill.workers = 0;
  auto r = SimulateDisaggregated(c, {{Seconds{0}, 10, 10}}, kPrefill, kDecode);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "--prefill-workers=0 must be at least 1");
  EXPECT_EQ(r.error().field, "prefill-workers");
  c = Config();
  c.decode.kv_capacity_tokens = 100;
  r = SimulateDisaggregated(c, {{Seconds{0}, 100, 10}}, kPrefill, kDecode);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "request 0: 110 tokens of KV exceed one decode worker's 100");
  c = Config();
  c.link.bandwidth = BytesPerSec{0};
  EXPECT_FALSE(SimulateDisaggregated(c, {{Seconds{0}, 10, 10}}, kPrefill, kDecode).ok());
}

}  // namespace
}  // namespace capplan
