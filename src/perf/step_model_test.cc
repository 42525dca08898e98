#include <gtest/gtest.h>

#include "capplan/perf.h"

namespace capplan {
namespace {

Deployment On(const char* gpu, Parallelism p, DType w, DType kv = DType::kBF16, Engine e = Engine::kVllm) {
  return Deployment{.gpu = *GpuCatalog::BuiltIn().Find(gpu),
                    .parallel = p,
                    .weights = UniformWeightPrecision(w),
                    .kv_dtype = kv,
                    .engine = DefaultEngineProfile(e)};
}

// A calibration with no overheads and perfect efficiencies, so times can be checked by hand.
PerfCalibration Ideal() {
  PerfCalibration c;
  c.hbm_efficiency = 1.0;
  c.matmul_efficiency = 1.0;
  c.matmul_half_tokens = 0;
  c.attention_efficiency = 1.0;
  c.step_overhead = Seconds{0};
  c.layer_overhead = Seconds{0};
  c.collective_latency = Seconds{0};
  c.routing_skew = 0;
  return c;
}

TEST(RooflineStepTimeModel, DenseBatchOneDecodeReadsEveryWeightOnce) {
  // Llama 3.1 8B BF16 on one H100, batch 1, tiny context: the step is the weights (minus the input
  // embedding, a lookup) over peak bandwidth: (8.03B - 0.525B) x 2 B / 3.35 TB/s ~ 4.5 ms.
  const ModelSpec m = *LoadPreset("llama-3.1-8b");
  const RooflineStepTimeModel model(m, On("h100-sxm", {}, DType::kBF16), Ideal());
  const StepBreakdown s = model.Breakdown(DecodeShape(1, 1));
  const double weights = static_cast<double>(TotalParams(m) - m.params.embedding) * 2.0;
  EXPECT_NEAR(s.bytes_read.v / weights, 1.0, 0.01);
  EXPECT_NEAR(s.total.v, weights / 3.35e12, 0.02 * weights / 3.35e12);
  EXPECT_EQ(s.bound, Bound::kWeightsRead);
}

TEST(RooflineStepTimeModel, ScoutAtBatch16ReadsTenExpertsNotOne) {
  const ModelSpec m = *LoadPreset("llama-4-scout");
  const RooflineStepTimeModel model(m, On("h100-sxm", {.tp = 4}, DType::kBF16), Ideal());
  const StepBreakdown b1 = model.Breakdown(DecodeShape(1, 1024));
  const StepBreakdown b16 = model.Breakdown(DecodeShape(16, 1024));
  EXPECT_NEAR(b1.distinct_experts, 1.0, 1e-9);
  EXPECT_NEAR(b16.distinct_experts, 10.30, 0.01);  // 16 (1 - (15/16)^16)
  // Batch 16 reads ~10x the routed-expert bytes of batch 1: far more than 'active parameters'.
  EXPECT_GT(b16.bytes_read.v, 2.5 * b1.bytes_read.v);
  const double tok_s = 16 / b16.total.v;
  EXPECT_LT(tok_s, 10000.0);  // the source article's 10,000 tok/s is wrong (docs/perf.md)
}

TEST(RooflineStepTimeModel, ExpertParallelismSplitsTheExpertsOverRanks) {
  const ModelSpec m = *LoadPreset("llama-4-scout");
  const RooflineStepTimeModel ep(m, On("h100-sxm", {.tp = 4, .ep = 4}, DType::kBF16), Ideal());
  const StepBreakdown s = ep.Breakdown(DecodeShape(256, 1024));
  EXPECT_LE(s.distinct_experts, 4.0 + 1e-9);  // 16 experts / 4 ranks
  EXPECT_GT(s.distinct_experts, 3.99);
}

TEST(RooflineStepTimeModel, LongPrefillIsComputeBound) {
  const ModelSpec m = *LoadPreset("llama-3.1-70b");
  const RooflineStepTimeModel model(m, On("h100-sxm", {.tp = 4}, DType::kFP8),
                                    CalibrationFor(*GpuCatalog::BuiltIn().Find("h100")));
  EXPECT_EQ(model.Breakdown(PrefillShape(8192, 0)).bound, Bound::kCompute);
  EXPECT_EQ(model.Breakdown(DecodeShape(1, 1000)).bound, Bound::kWeightsRead);
}

TEST(RooflineStepTimeModel, MixedStepCostsLessThanSeparateSteps) {
  const ModelSpec m = *LoadPreset("mixtral-8x7b");
  const RooflineStepTimeModel model(m, On("h100-sxm", {.tp = 2}, DType::kFP8),
                                    CalibrationFor(*GpuCatalog::BuiltIn().Find("h100")));
  BatchShape mixed = DecodeShape(32, 1500);
  const BatchShape prefill = PrefillShape(512, 0);
  mixed.prefill_sequences = 1;
  mixed.prefill_tokens = prefill.prefill_tokens;
  mixed.prefill_attention_pairs = prefill.prefill_attention_pairs;
  EXPECT_LT(model.StepTime(mixed).v, model.StepTime(DecodeShape(32, 1500)).v + model.StepTime(prefill).v);
  EXPECT_GT(model.StepTime(mixed).v, model.StepTime(DecodeShape(32, 1500)).v);
}

TEST(RooflineStepTimeModel, SlidingWindowLayersReadAtMostTheirWindow) {
  // gpt-oss: half the layers slide over 128 tokens, so KV read grows half as fast with context.
  const ModelSpec m = *LoadPreset("gpt-oss-20b");
  const RooflineStepTimeModel model(m, On("h100-sxm", {}, DType::kBF16), Ideal());
  const double b8k = model.Breakdown(DecodeShape(64, 8192)).bytes_read.v;
  const double b16k = model.Breakdown(DecodeShape(64, 16384)).bytes_read.v;
  const double per_token_full = static_cast<double>(KvElementsPerTokenPerLayer(m)) * 2.0;  // BF16
  int full_layers = 0;
  for (const auto& l : m.layers) full_layers += l.attention == AttentionKind::kFull;
  EXPECT_NEAR(b16k - b8k, 64.0 * 8192 * per_token_full * full_layers, 0.01 * (b16k - b8k));
}

// gpt-oss-120b as published (BF16 attention, MXFP4 experts) at decode batch 8, with an expert-GEMM half-efficiency
// far beyond the rows each expert gets.
StepBreakdown GptOssDecodeWithHalf(const char* gpu, double half) {
  const ModelSpec m = *LoadPreset("gpt-oss-120b");
  Deployment d = On(gpu, {}, DType::kBF16);
  d.weights = NativeWeightPrecision(m);
  PerfCalibration c = Ideal();
  c.expert_half_tokens = half;  // the attention and router GEMMs (BF16) keep none
  return RooflineStepTimeModel(m, d, c).Breakdown(DecodeShape(8, 2048));
}

TEST(RooflineStepTimeModel, WeightOnlyExpertsAtSmallBatchAreBoundByTheirRead) {
  // On Hopper MXFP4 has no tensor cores: the experts are a weight-only (W4A16) kernel, bound by reading the packed
  // weights, so the small-GEMM half-efficiency does not slow them: the step is the same with it as without.
  const StepBreakdown hopper = GptOssDecodeWithHalf("h100-sxm", 4096);
  EXPECT_NEAR(hopper.total.v, GptOssDecodeWithHalf("h100-sxm", 0).total.v, 1e-12);
  EXPECT_EQ(hopper.bound, Bound::kWeightsRead);
  // On B200 MXFP4 runs on the FP4 tensor cores: a native small GEMM pays the half-efficiency.
  const StepBreakdown blackwell = GptOssDecodeWithHalf("b200-hgx", 4096);
  EXPECT_GT(blackwell.total.v, 1.5 * GptOssDecodeWithHalf("b200-hgx", 0).total.v);
  EXPECT_EQ(blackwell.bound, Bound::kGemmEfficiency);
}

TEST(RooflineStepTimeModel, SameShapeSameTime) {
  const ModelSpec m = *LoadPreset("qwen3-30b-a3b");
  const RooflineStepTimeModel model(m, On("h200-sxm", {.tp = 2, .ep = 2}, DType::kFP8),
                                    CalibrationFor(*GpuCatalog::BuiltIn().Find("h200")));
  EXPECT_EQ(model.StepTime(DecodeShape(48, 3000)).v, model.StepTime(DecodeShape(48, 3000)).v);
}

TEST(PredictPerformance, DoesNotFitIsAnErrorThatSaysWhy) {
  const ModelSpec m = *LoadPreset("llama-4-scout");
  auto p = PredictPerformance(m, On("h100-sxm", {}, DType::kBF16), PerfQuery{});
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ErrorCode::kInfeasible);
  EXPECT_NE(p.error().message.find("does not fit"), std::string::npos);
}

TEST(PredictPerformance, CurveRisesWithBatchAndMarksTheBound) {
  const ModelSpec m = *LoadPreset("llama-3.1-8b");
  auto p = PredictPerformance(m, On("h100-sxm", {}, DType::kFP8, DType::kFP8),
                              PerfQuery{.input_tokens = 1000, .output_tokens = 1000, .batch = 8});
  ASSERT_TRUE(p.ok()) << p.error().message;
  ASSERT_GE(p->curve.size(), 5u);
  for (size_t i = 1; i < p->curve.size(); ++i)
    EXPECT_GT(p->curve[i].tokens_per_second, p->curve[i - 1].tokens_per_second);
  EXPECT_EQ(p->curve.front().bound, Bound::kWeightsRead);
  EXPECT_GT(p->max_load.output_tokens_per_second, p->decode_tokens_per_second);
  EXPECT_GT(p->ttft.v, 0);
}

TEST(PredictPerformance, MoeSitsBetweenDenseTotalAndDenseActive) {
  const ModelSpec m = *LoadPreset("mixtral-8x7b");
  auto p = PredictPerformance(m, On("h100-sxm", {.tp = 2}, DType::kBF16), PerfQuery{.batch = 4});
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_GT(p->decode_tokens_per_second, p->dense_total_tokens_per_second);
  EXPECT_LT(p->decode_tokens_per_second, p->dense_active_tokens_per_second);
}

}  // namespace
}  // namespace capplan

namespace capplan {
namespace {

TEST(BoundLabel, SmallBatchDecodeIsNeverLabelledCompute) {
  // Decode at batch 1-32 reads every weight for a handful of rows: what limits it is reading weights (or small
  // GEMMs running below their large-GEMM rate), not the tensor cores' peak.
  const ModelSpec m = *LoadPreset("llama-3.1-70b");
  const Deployment d = On("h100-sxm", {.tp = 4}, DType::kFP8);
  const RooflineStepTimeModel model(m, d, CalibrationFor(d));
  for (int b : {1, 4, 16, 32}) {
    const Bound bound = model.Breakdown(DecodeShape(b, 2048)).bound;
    EXPECT_NE(bound, Bound::kCompute) << "batch " << b;
    EXPECT_TRUE(bound == Bound::kWeightsRead || bound == Bound::kGemmEfficiency || bound == Bound::kOverhead)
        << "batch " << b << ": " << BoundName(bound);
  }
  EXPECT_EQ(model.Breakdown(PrefillShape(8192, 0)).bound, Bound::kCompute);
}

TEST(ClosedLoopSteadyState, LittlesLawAndQueueingBeyondTheBatchCap) {
  const ModelSpec m = *LoadPreset("llama-3.1-8b");
  const Deployment d = On("h100-sxm", {}, DType::kBF16);
  const RooflineStepTimeModel model(m, d, CalibrationFor(d));
  const ClosedLoopPoint free = ClosedLoopSteadyState(model, 32, 1000, 500, 256, 1000);
  EXPECT_EQ(free.running, 32);
  EXPECT_NEAR(free.queueing.v, 0, 1e-12);
  EXPECT_NEAR(free.requests_per_second * free.e2e.v, 32, 1e-9);  // N = X x E2E
  const ClosedLoopPoint capped = ClosedLoopSteadyState(model, 64, 1000, 500, 32, 1000);
  EXPECT_EQ(capped.running, 32);
  EXPECT_EQ(capped.running_limit, "engine_max_batch");
  EXPECT_NEAR(capped.requests_per_second * capped.e2e.v, 64, 1e-9);
  EXPECT_GT(capped.queueing.v, 0.4 * capped.e2e.v);  // half the clients wait a whole service time
}

}  // namespace
}  // namespace capplan
