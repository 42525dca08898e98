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

// Attention DP: the busiest rank's whole sequences, by hand. 10 decodes at 2,000 tokens on 4 ranks: 3 on the busiest
// (6,000 context tokens); 2 prompts (3,000 new tokens, 1,000 cached, 5e6 pairs) on 4 ranks: 1 of them, half of each.
TEST(BusiestRankShape, WholeSequencesCeilOfTheirShare) {
  BatchShape s;
  s.decode_sequences = 10;
  s.decode_context_tokens = 20'000;
  s.prefill_sequences = 2;
  s.prefill_tokens = 3'000;
  s.prefill_cached_tokens = 1'000;
  s.prefill_attention_pairs = 5e6;
  const BatchShape r = BusiestRankShape(s, 4);
  EXPECT_EQ(r.decode_sequences, 3);
  EXPECT_EQ(r.decode_context_tokens, 6'000);
  EXPECT_EQ(r.prefill_sequences, 1);
  EXPECT_EQ(r.prefill_tokens, 1'500);
  EXPECT_EQ(r.prefill_cached_tokens, 500);
  EXPECT_DOUBLE_EQ(r.prefill_attention_pairs, 2.5e6);
  // Divisible: the even split; one rank: the shape itself.
  EXPECT_EQ(BusiestRankShape(DecodeShape(64, 100), 8).decode_sequences, 8);
  EXPECT_EQ(BusiestRankShape(PrefillShape(8192, 0), 1).prefill_tokens, 8192);
  // One prompt on 8 ranks stays whole on its rank.
  EXPECT_EQ(BusiestRankShape(PrefillShape(8192, 0), 8).prefill_tokens, 8192);
}

// One 8,192-token prompt under attention DP 8 runs on one rank: its attention and dense layers cost what the same
// prompt costs at DP 1 (one GPU holds the whole attention either way); only the routed experts are spread. Pricing
// an even 1/8 of its tokens on every rank (the old split) made it ~8x cheaper in the attention and dense parts.
TEST(RooflineStepTimeModel, AttentionDpPromptRunsWholeOnOneRank) {
  const ModelSpec m = *LoadPreset("deepseek-v3");
  Deployment dp{.gpu = *GpuCatalog::BuiltIn().Find("h200"),
                .parallel = {.tp = 1, .ep = 8, .dp_attention = 8},
                .weights = NativeWeightPrecision(m),
                .engine = DefaultEngineProfile(Engine::kTrtllm)};
  const RooflineStepTimeModel model(m, dp, Ideal());
  const BatchShape one = PrefillShape(8192, 0);
  BatchShape eight = one;  // eight such prompts, one on each rank
  eight.prefill_sequences = 8;
  eight.prefill_tokens = 8 * 8192;
  eight.prefill_attention_pairs = 8 * one.prefill_attention_pairs;
  const StepBreakdown a = model.Breakdown(one);
  const StepBreakdown b = model.Breakdown(eight);
  // Eight prompts, one per rank: the busiest rank does exactly one prompt's attention and dense work, plus the
  // experts for 8x the tokens. So the one-prompt step costs more than 1/8 of the eight-prompt step by a wide margin:
  // the non-expert part is the same in both.
  EXPECT_GT(a.total.v, b.total.v / 8 * 2);
  EXPECT_LT(a.total, b.total);
  // The attention FLOPs of the one-prompt step are one whole prompt's: 61 layers x 2 x 128 heads x (192 + 128)
  // x pairs (MLA prefill, decompressed), at least, on the busiest GPU (the even split gave ~1e14 in all).
  const double pairs = one.prefill_attention_pairs;
  EXPECT_GT(a.flops.v, 61 * 2.0 * 128 * (192 + 128) * pairs);
}

// MLA: decode scores in the absorbed latent form, prefill in the decompressed (MHA) form, by hand on DeepSeek-V3 at
// TP 8 (16 heads a GPU, 61 layers). The FLOPs a query-key pair adds: prefill 2 x 16 x (192 + 128) = 10,240 a layer;
// decode 2 x 16 x (2 x 512 + 64) = 34,816 a layer. A cached token adds its kv_b_proj expansion to a prefill chunk:
// 2 x 512 x 16 x (128 + 128) = 4,194,304 a layer.
TEST(RooflineStepTimeModel, MlaPrefillAttendsDecompressedDecodeAbsorbed) {
  const ModelSpec m = *LoadPreset("deepseek-v3");
  Deployment d{.gpu = *GpuCatalog::BuiltIn().Find("h200"),
               .parallel = {.tp = 8, .ep = 8},
               .weights = NativeWeightPrecision(m),
               .engine = DefaultEngineProfile(Engine::kSglang)};
  const RooflineStepTimeModel model(m, d, Ideal());
  BatchShape no_pairs = PrefillShape(4096, 0);
  no_pairs.prefill_attention_pairs = 0;
  const BatchShape prefill = PrefillShape(4096, 0);
  EXPECT_NEAR(model.Breakdown(prefill).flops.v - model.Breakdown(no_pairs).flops.v,
              61 * 10'240.0 * prefill.prefill_attention_pairs, 1e-6 * model.Breakdown(prefill).flops.v);
  BatchShape cached = no_pairs;
  cached.prefill_cached_tokens = 1000;
  EXPECT_NEAR(model.Breakdown(cached).flops.v - model.Breakdown(no_pairs).flops.v, 61 * 4'194'304.0 * 1000,
              1e-6 * model.Breakdown(cached).flops.v);
  EXPECT_NEAR(model.Breakdown(DecodeShape(1, 2000)).flops.v - model.Breakdown(DecodeShape(1, 1000)).flops.v,
              61 * 34'816.0 * 1000, 1e-3 * 61 * 34'816.0 * 1000);
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

// The expert half-efficiency stands for streaming the weights of a 16-bit GEMM. On Hopper MXFP4 has no tensor cores:
// the experts are a weight-only (W4A16) kernel at the BF16 rate that streams its packed weights, so its half rows
// shrink by its bytes per weight over BF16's (0.53125 / 2): the compute a half of H rows adds to a step is, per MoE
// layer, 2 x expert params x distinct experts x H x 0.265625 / BF16 peak (expert time = 2 x assignments x w x
// (t + h) / (peak x t) with t = assignments / distinct). On B200 MXFP4 runs natively on the FP4 tensor cores and pays
// the whole H rows at the FP4 peak.
TEST(RooflineStepTimeModel, WeightOnlyExpertsPayTheHalfEfficiencyAtTheirPackedBytes) {
  const ModelSpec m = *LoadPreset("gpt-oss-120b");
  int moe_layers = 0;
  for (const auto& l : m.layers) moe_layers += l.is_moe();
  const double w = static_cast<double>(m.layers.back().expert_params);
  struct Case {
    const char* gpu;
    double scale;
    ComputeClass rate;
  };
  for (const Case& k :
       {Case{"h100-sxm", 0.53125 / 2.0, ComputeClass::kBF16}, Case{"b200-hgx", 1.0, ComputeClass::kFP4}}) {
    const StepBreakdown with = GptOssDecodeWithHalf(k.gpu, 4096);
    const StepBreakdown without = GptOssDecodeWithHalf(k.gpu, 0);
    const double peak = PeakFlops(*GpuCatalog::BuiltIn().Find(k.gpu), k.rate).v;
    const double expected = moe_layers * 2.0 * w * with.distinct_experts * 4096 * k.scale / peak;
    EXPECT_NEAR(with.compute.v - without.compute.v, expected, 1e-6 * expected) << k.gpu;
  }
  // The half still costs on Hopper (before: a weight-only kernel paid none, faster than a native BF16 GEMM at prefill).
  EXPECT_GT(GptOssDecodeWithHalf("h100-sxm", 4096).total.v, GptOssDecodeWithHalf("h100-sxm", 0).total.v);
}

TEST(GemmLaunchesOfLayer, CountsTheKernelsOfEachLayerKind) {
  // Llama 3.1 8B: fused QKV + output, fused gate-up + down: 4 a layer, 32 layers.
  const ModelSpec llama = *LoadPreset("llama-3.1-8b");
  int total = 0;
  for (const LayerSpec& l : llama.layers) total += GemmLaunchesOfLayer(llama, l);
  EXPECT_EQ(total, 32 * 4);
  // DeepSeek-V3: MLA's 5 on every layer; 3 dense layers (+2 MLP), 58 MoE layers (+2 shared expert, +3 routed).
  const ModelSpec ds = *LoadPreset("deepseek-v3");
  total = 0;
  for (const LayerSpec& l : ds.layers) total += GemmLaunchesOfLayer(ds, l);
  EXPECT_EQ(total, 3 * (5 + 2) + 58 * (5 + 2 + 3));
  // gpt-oss-120b: GQA attention 2 + routed experts 3, 36 layers.
  const ModelSpec oss = *LoadPreset("gpt-oss-120b");
  total = 0;
  for (const LayerSpec& l : oss.layers) total += GemmLaunchesOfLayer(oss, l);
  EXPECT_EQ(total, 36 * 5);
}

TEST(RooflineStepTimeModel, EveryGemmKernelAddsItsLaunchTime) {
  // 10 us per GEMM kernel: Llama 3.1 8B's decode step gains 128 x 10 us = 1.28 ms, DeepSeek-V3's 601 x 10 us =
  // 6.01 ms on the same GPUs: the floor of a small-batch step follows the kernels its layers launch.
  PerfCalibration with = Ideal();
  with.gemm_launch_overhead = Seconds{10e-6};
  const ModelSpec llama = *LoadPreset("llama-3.1-8b");
  const Deployment one = On("h100-sxm", {}, DType::kBF16);
  const double llama_delta = RooflineStepTimeModel(llama, one, with).StepTime(DecodeShape(4, 1024)).v -
                             RooflineStepTimeModel(llama, one, Ideal()).StepTime(DecodeShape(4, 1024)).v;
  EXPECT_NEAR(llama_delta, 1.28e-3, 1e-9);
  const ModelSpec ds = *LoadPreset("deepseek-v3");
  const Deployment eight = On("h200-sxm", {.tp = 8, .ep = 8}, DType::kFP8);
  const double ds_delta = RooflineStepTimeModel(ds, eight, with).StepTime(DecodeShape(4, 1024)).v -
                          RooflineStepTimeModel(ds, eight, Ideal()).StepTime(DecodeShape(4, 1024)).v;
  EXPECT_NEAR(ds_delta, 6.01e-3, 1e-9);
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
