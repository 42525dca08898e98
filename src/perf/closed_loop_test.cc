// The closed-loop steady state under each engine's prefill policy, checked by hand arithmetic on a step model
// whose every step costs exactly the fixed per-step host time: a GPU with (practically) infinite bandwidth and
// FLOP/s, no launch or per-sequence overhead, TP 1 (no collectives), so StepTime(any shape) = 10 ms.
#include <gtest/gtest.h>

#include "capplan/perf.h"

namespace capplan {
namespace {

constexpr double kStep = 0.010;     // seconds, every step
constexpr double kRequest = 0.020;  // seconds, the API server's time per request

RooflineStepTimeModel TenMsModel() {
  GpuSpec g = *GpuCatalog::BuiltIn().Find("h100-sxm");
  g.hbm_bandwidth = BytesPerSec{1e30};
  for (auto& [cls, peak] : g.dense_peak) peak = FlopsPerSec{1e30};
  PerfCalibration c;
  c.hbm_efficiency = 1.0;
  c.matmul_efficiency = 1.0;
  c.matmul_half_tokens = 0;
  c.attention_efficiency = 1.0;
  c.layer_overhead = Seconds{0};
  c.sequence_overhead = Seconds{0};
  c.collective_latency = Seconds{0};
  c.step_overhead = Seconds{kStep};
  c.request_overhead = Seconds{kRequest};
  Deployment d{.gpu = g,
               .parallel = Parallelism{},
               .weights = UniformWeightPrecision(DType::kBF16),
               .kv_dtype = DType::kBF16,
               .engine = DefaultEngineProfile(Engine::kVllm)};  // budget 8192 tokens per step
  return RooflineStepTimeModel(*LoadPreset("llama-3.1-8b"), d, c);
}

TEST(ClosedLoopPolicy, TheFakeStepIsTenMilliseconds) {
  const RooflineStepTimeModel m = TenMsModel();
  EXPECT_NEAR(m.StepTime(DecodeShape(64, 4096)).v, kStep, 1e-9);
  EXPECT_NEAR(m.StepTime(PrefillShape(8192, 0)).v, kStep, 1e-9);
}

TEST(ClosedLoopPolicy, MixedChunkedOnePromptPerStepWaitsHalfAStep) {
  // 8 clients, 100 in / 10 out: q = 8 / 10 prompts per step, so k = 1. TPOT = one step = 10 ms.
  // TTFT = request 20 ms + half the running step 5 ms + its own step 10 ms = 35 ms.
  // Service = 20 + 15 + 9 x 10 = 125 ms; X = 8 / 0.125 = 64 requests/s; no queueing.
  const ClosedLoopPoint p = ClosedLoopSteadyState(TenMsModel(), 8, 100, 10, 256, 1000, PrefillPolicy::kMixedChunked);
  EXPECT_EQ(p.prompts_per_prefill, 1);
  EXPECT_NEAR(p.tpot.v, 0.010, 1e-9);
  EXPECT_NEAR(p.ttft.v, 0.035, 1e-9);
  EXPECT_NEAR(p.e2e.v, 0.125, 1e-9);
  EXPECT_NEAR(p.requests_per_second, 64, 1e-6);
  EXPECT_NEAR(p.queueing.v, 0, 1e-12);
  // First wave: 8 x 100 = 800 tokens fit one step: (1 + 1) / 2 steps + the request's 20 ms = 30 ms.
  EXPECT_NEAR(p.first_wave_ttft.v, 0.030, 1e-9);
}

TEST(ClosedLoopPolicy, PrefillFirstPausesTheDecodesForThePromptSteps) {
  // SGLang-like: the prompt runs in a prefill-only step; per decode step q / k = 0.8 of such a step is added:
  // TPOT = 10 + 0.8 x 10 = 18 ms (the mixed policies keep 10 ms). TTFT as above: 20 + 5 + 10 = 35 ms.
  const ClosedLoopPoint p = ClosedLoopSteadyState(TenMsModel(), 8, 100, 10, 256, 1000, PrefillPolicy::kPrefillFirst);
  EXPECT_NEAR(p.tpot.v, 0.018, 1e-9);
  EXPECT_NEAR(p.ttft.v, 0.035, 1e-9);
  // Service = 20 + 15 + 9 x 18 = 197 ms.
  EXPECT_NEAR(p.e2e.v, 0.197, 1e-9);
}

TEST(ClosedLoopPolicy, ALongPromptIsChunkedUnlessTheEngineTakesItWhole) {
  // 10,000-token prompt, 8192-token budget, 7 other sequences decoding: the chunked policy fits 8185 tokens
  // in the first step and the rest in a second (TTFT 20 + 5 + 2 x 10 = 45 ms); the whole policy one step
  // (35 ms); prefill-first two prefill-only steps of <= 8192 tokens (45 ms).
  const RooflineStepTimeModel m = TenMsModel();
  EXPECT_NEAR(ClosedLoopSteadyState(m, 8, 10000, 10, 256, 1000, PrefillPolicy::kMixedChunked).ttft.v, 0.045, 1e-9);
  EXPECT_NEAR(ClosedLoopSteadyState(m, 8, 10000, 10, 256, 1000, PrefillPolicy::kMixedWhole).ttft.v, 0.035, 1e-9);
  EXPECT_NEAR(ClosedLoopSteadyState(m, 8, 10000, 10, 256, 1000, PrefillPolicy::kPrefillFirst).ttft.v, 0.045, 1e-9);
}

TEST(ClosedLoopPolicy, PromptsThatArriveTogetherShareAStep) {
  // 64 clients, 10 out: q = 6.4 prompts per step -> k = 7 share the next step. Prefill-first: TPOT = 10 + (6.4 / 7)
  // x 10 ms.
  const ClosedLoopPoint p = ClosedLoopSteadyState(TenMsModel(), 64, 100, 10, 256, 1000, PrefillPolicy::kPrefillFirst);
  EXPECT_EQ(p.prompts_per_prefill, 7);
  EXPECT_NEAR(p.tpot.v, 0.010 + 6.4 / 7 * 0.010, 1e-9);
}

TEST(ClosedLoopPolicy, FirstWaveOfWholePromptsTakesWholePromptsPerStep) {
  // 16 clients x 3000 tokens: chunked fills 8192 tokens a step: ceil(48000 / 8192) = 6 steps, mean (6 + 1) / 2 = 3.5
  // steps = 35 ms; whole prompts fit 2 a step: 8 steps, mean 4.5 steps = 45 ms (+ 20 ms each).
  const RooflineStepTimeModel m = TenMsModel();
  EXPECT_NEAR(ClosedLoopSteadyState(m, 16, 3000, 10, 256, 1000, PrefillPolicy::kMixedChunked).first_wave_ttft.v, 0.055,
              1e-9);
  EXPECT_NEAR(ClosedLoopSteadyState(m, 16, 3000, 10, 256, 1000, PrefillPolicy::kMixedWhole).first_wave_ttft.v, 0.065,
              1e-9);
}

// gpt-oss-120b (128 experts, top-4) on one H200 whose compute is (practically) free, so every step costs the bytes
// it reads plus the fixed per-step time: a decode step of 4 sequences reads the ~15 experts per layer they route to,
// a step that also carries prompt tokens reads nearly all 128.
RooflineStepTimeModel WeightReadMoeModel() {
  GpuSpec g = *GpuCatalog::BuiltIn().Find("h200-sxm");
  for (auto& [cls, peak] : g.dense_peak) peak = FlopsPerSec{1e30};
  PerfCalibration c;
  c.hbm_efficiency = 1.0;
  c.matmul_efficiency = 1.0;
  c.matmul_half_tokens = 0;
  c.step_overhead = Seconds{0.001};
  Deployment d{.gpu = g,
               .parallel = Parallelism{},
               .weights = UniformWeightPrecision(DType::kBF16),
               .kv_dtype = DType::kBF16,
               .engine = DefaultEngineProfile(Engine::kVllm)};  // budget 8192 tokens per step
  return RooflineStepTimeModel(*LoadPreset("gpt-oss-120b"), d, c);
}

TEST(ClosedLoopPolicy, MixedPromptsJoinOneStepAsAGroupNotEveryStep) {
  // 4 clients, 8192 in / 1024 out: q = 4 / 1024 prompts per step, k = 1. The prompt is chunked into the 8192 - 3
  // tokens the 3 other decodes leave, then 3 more: two mixed steps once every 256 decode steps. TPOT = the decode
  // step + (the two mixed steps - two decode steps) / 256.
  const RooflineStepTimeModel m = WeightReadMoeModel();
  const int64_t ctx = 8192 + 512;
  const Seconds decode = m.StepTime(DecodeShape(4, ctx));
  BatchShape first;
  first.prefill_sequences = 1;
  first.prefill_tokens = 8189;
  first.prefill_attention_pairs = 8189.0 * (8189.0 + 1) / 2.0;
  first.decode_sequences = 3;
  first.decode_context_tokens = 3 * ctx;
  BatchShape second = first;
  second.prefill_tokens = 3;
  second.prefill_cached_tokens = 8189;
  second.prefill_attention_pairs = 3.0 * (8189.0 + 4.0 / 2.0);
  const Seconds mixed = m.StepTime(first) + m.StepTime(second);
  const ClosedLoopPoint p = ClosedLoopSteadyState(m, 4, 8192, 1024, 256, 1000, PrefillPolicy::kMixedChunked);
  EXPECT_NEAR(p.tpot.v, (decode + (mixed - decode * 2.0) / 256.0).v, 1e-9);
  // Spreading the prompt's tokens over every step (32 a step) would make every step read nearly every expert.
  const Seconds spread = SteadyState(m, 4, 8192, 1024).step;
  EXPECT_GT(spread.v, 1.5 * decode.v);
  EXPECT_LT(p.tpot.v, 1.1 * decode.v);
}

TEST(ClosedLoopPolicy, PromptsInEveryStepAreTheMeanStep) {
  // 512 clients, 1000 in / 10 out: 51.2 prompts arrive per step, more than one budget of prompt tokens, so every
  // step carries prompts and TPOT is the mean step of 512 decodes and their prompts' share (capped by the budget).
  const RooflineStepTimeModel m = WeightReadMoeModel();
  const ClosedLoopPoint p = ClosedLoopSteadyState(m, 512, 1000, 10, 1024, 1000, PrefillPolicy::kMixedChunked);
  EXPECT_NEAR(p.tpot.v, SteadyState(m, 512, 1000, 10).step.v, 1e-12);
}

TEST(ClosedLoopPolicy, BuiltInPoliciesFollowTheEngines) {
  EXPECT_EQ(PrefillPolicyOf(Engine::kVllm), PrefillPolicy::kMixedChunked);
  EXPECT_EQ(PrefillPolicyOf(Engine::kSglang), PrefillPolicy::kPrefillFirst);
  EXPECT_EQ(PrefillPolicyOf(Engine::kTrtllm), PrefillPolicy::kMixedWhole);
}

TEST(ClosedLoopPolicy, SchedulingFileErrorsNameTheField) {
  auto bad = ParseScheduling(R"({"engines": [{"engine": "vllm", "prefill_policy": "fifo", "source": "x"}]})", "s.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message,
            "s.json: engines[0].prefill_policy 'fifo' is not mixed_chunked, prefill_first or mixed_whole");
  auto nosrc = ParseScheduling(R"({"engines": [{"engine": "vllm", "prefill_policy": "mixed_chunked"}]})", "s.json");
  ASSERT_FALSE(nosrc.ok());
  EXPECT_EQ(nosrc.error().field, "source");
  EXPECT_FALSE(ParseScheduling("{", "s.json").ok());
}

TEST(KvAdmission, BuiltInRulesFollowTheEngines) {
  EXPECT_EQ(KvAdmissionOf(Engine::kVllm), KvAdmission::kOnDemand);
  EXPECT_EQ(KvAdmissionOf(Engine::kTrtllm), KvAdmission::kFullSequence);
  EXPECT_EQ(KvAdmissionOf(Engine::kSglang), KvAdmission::kFullSequence);
  // 1024 in, 8192 out: on demand the running sequences hold 1024 + 4096 tokens on average, reserved 9216.
  EXPECT_EQ(SteadyStateKvContext(KvAdmission::kOnDemand, 1024, 8192), 5120);
  EXPECT_EQ(SteadyStateKvContext(KvAdmission::kFullSequence, 1024, 8192), 9216);
}

TEST(KvAdmission, OnDemandPoolHoldsMoreClientsAtTheMeanContext) {
  // Llama 3.1 70B FP8 on one H200 at 1024 in / 8192 out, 32 clients: reserved at full context the pool holds fewer
  // than 32 and the rest queue for whole requests; on demand (vLLM) it holds them at their mean context.
  const ModelSpec m = *LoadPreset("llama-3.1-70b");
  Deployment d{.gpu = *GpuCatalog::BuiltIn().Find("h200-sxm"),
               .parallel = Parallelism{},
               .weights = UniformWeightPrecision(DType::kFP8),
               .kv_dtype = DType::kBF16,
               .engine = DefaultEngineProfile(Engine::kVllm)};
  auto p = PredictPerformance(m, d, PerfQuery{.input_tokens = 1024, .output_tokens = 8192, .concurrency = 32});
  ASSERT_TRUE(p.ok()) << p.error().message;
  const int full = p->memory.max_concurrent_sequences;  // at 9216 tokens each
  ASSERT_LT(full, 32);
  auto at_mean = FittingBudget(m, d, BudgetQuery{.context = 5120, .batch = 1});
  ASSERT_TRUE(at_mean.ok());
  EXPECT_EQ(p->closed_loop.running, std::min(32, at_mean->max_concurrent_sequences));
  EXPECT_GT(p->closed_loop.running, full);
  d.engine = DefaultEngineProfile(Engine::kTrtllm);
  auto t = PredictPerformance(m, d, PerfQuery{.input_tokens = 1024, .output_tokens = 8192, .concurrency = 32});
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->closed_loop.running, std::min(t->memory.max_concurrent_sequences, 32));
}

TEST(KvAdmission, SchedulingFileErrorsNameTheField) {
  auto bad = ParseKvAdmission(
      R"({"engines": [{"engine": "vllm", "kv_admission": "greedy", "kv_admission_source": "x"}]})", "s.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "s.json: engines[0].kv_admission 'greedy' is not on_demand or full_sequence");
  auto nosrc = ParseKvAdmission(R"({"engines": [{"engine": "vllm", "kv_admission": "on_demand"}]})", "s.json");
  ASSERT_FALSE(nosrc.ok());
  EXPECT_EQ(nosrc.error().field, "kv_admission_source");
}

}  // namespace
}  // namespace capplan
