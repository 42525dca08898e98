#include <gtest/gtest.h>

#include "memory/testutil.h"

namespace capplan {
namespace {

using testing::Budget;
using testing::Deploy;
using testing::HasWarning;
using testing::Model;

const WeightPrecision kBf16 = UniformWeightPrecision(DType::kBF16);

std::string BudgetError(const ModelSpec& m, const Deployment& d, int64_t context, int batch) {
  auto b = ComputeMemoryBudget(m, d, {.context = context, .batch = batch});
  return b.ok() ? "ok" : b.error().message;
}

TEST(MemoryBudget, KvCacheScalesLinearlyWithContext) {
  const ModelSpec m = Model("llama-3.1-8b");
  const Deployment d = Deploy(m, "h100", 1, kBf16);
  // 32 layers x 8 KV heads x 128 x 2 x 2 B = 128 KiB per token.
  EXPECT_EQ(Budget(m, d, 4096, 1).kv_bytes_per_sequence, MiB(512));
  EXPECT_EQ(Budget(m, d, 8192, 1).kv_bytes_per_sequence, MiB(1024));
  EXPECT_EQ(Budget(m, d, 8192, 1).kv_bytes_per_token_per_gpu, KiB(128));
}

TEST(MemoryBudget, PagedBlocksRoundEachSequenceUp) {
  // 17 tokens take two 16-token blocks in every layer: 32 tokens' worth.
  const ModelSpec m = Model("llama-3.1-8b");
  EXPECT_EQ(Budget(m, Deploy(m, "h100", 1, kBf16), 17, 1).kv_bytes_per_sequence, KiB(128) * 32);
}

TEST(MemoryBudget, PoolIsCapacityLessWeightsActivationsAndOverhead) {
  const ModelSpec m = Model("llama-3.1-8b");
  MemoryBudget b = Budget(m, Deploy(m, "h100", 1, kBf16), 8192, 4);
  EXPECT_EQ(b.capacity, MiB(81559) * 0.90);
  EXPECT_NEAR(b.kv_cache.v, (b.capacity - b.weights_total - b.activations - b.overhead).v, 1.0);
  EXPECT_EQ(b.overhead, GiB(1.75));
  EXPECT_NEAR(b.free.v, (b.kv_cache - MiB(1024) * 4).v, 1.0);
  EXPECT_EQ(b.max_concurrent_sequences, static_cast<int>(b.kv_cache / MiB(1024)));
  EXPECT_EQ(b.kv_tokens, static_cast<int64_t>(b.kv_cache / KiB(128)));
}

TEST(MemoryBudget, Fp8KvHalvesTheBytesPerSequence) {
  const ModelSpec m = Model("llama-3.1-8b");
  Deployment d = Deploy(m, "h100", 1, kBf16);
  d.kv_dtype = DType::kFP8;
  EXPECT_EQ(Budget(m, d, 8192, 1).kv_bytes_per_sequence, MiB(512));
}

TEST(MemoryBudget, MlaLatentIsWholeOnEveryTensorParallelRank) {
  // DeepSeek-V3: 61 layers x (512 + 64) x 2 B per token, the same at TP 1 and TP 8.
  const ModelSpec m = Model("deepseek-v3");
  const EngineProfile e = DefaultEngineProfile(Engine::kVllm);
  EXPECT_EQ(KvBytesPerSequencePerGpu(m, {.tp = 8, .ep = 8}, DType::kBF16, e, 1024), Bytes{61.0 * 576 * 2 * 1024});
  EXPECT_EQ(KvBytesPerSequencePerGpu(m, {}, DType::kBF16, e, 1024), Bytes{61.0 * 576 * 2 * 1024});
}

TEST(MemoryBudget, PipelineStagesSplitTheKvLayers) {
  // Llama 3.1 405B, 126 layers over 2 stages: 63 layers each; TP 8 keeps one KV head per GPU.
  const ModelSpec m = Model("llama-3.1-405b");
  const EngineProfile e = DefaultEngineProfile(Engine::kVllm);
  EXPECT_EQ(KvBytesPerSequencePerGpu(m, {.tp = 8, .pp = 2}, DType::kBF16, e, 1024), Bytes{63.0 * 2 * 128 * 2 * 1024});
}

TEST(MemoryBudget, MaxContextAtBatchAndSingleSequence) {
  const ModelSpec m = Model("llama-3.1-8b");
  MemoryBudget b = Budget(m, Deploy(m, "h100", 1, kBf16), 8192, 4);
  // Four sequences share the pool: each gets a quarter, in whole 16-token blocks.
  const int64_t per_seq_tokens = static_cast<int64_t>(b.kv_cache / (KiB(128) * 4)) / 16 * 16;
  EXPECT_EQ(b.max_context_at_batch, std::min<int64_t>(per_seq_tokens, m.max_context));
  EXPECT_EQ(b.max_single_sequence, m.max_context);  // 128K x 128 KiB = 16 GiB fits the pool
}

TEST(MemoryBudget, MaxNumSeqsCapsTheConcurrency) {
  const ModelSpec m = Model("llama-3.1-8b");
  Deployment d = Deploy(m, "h100", 1, kBf16);
  d.max_num_seqs = 8;
  EXPECT_EQ(Budget(m, d, 1024, 1).max_concurrent_sequences, 8);
}

TEST(MemoryBudget, TooManySequencesDoNotFitAndSayWhy) {
  const ModelSpec m = Model("llama-3.1-8b");
  MemoryBudget b = Budget(m, Deploy(m, "h100", 1, kBf16), 131072, 4);
  EXPECT_FALSE(b.fits);
  EXPECT_TRUE(b.reason.starts_with("KV for 4 sequences of 131,072 tokens needs 64.0 GiB per GPU, the KV pool holds"))
      << b.reason;
}

TEST(MemoryBudget, MaxModelLenThatOneSequenceCannotHoldDoesNotFit) {
  const ModelSpec m = Model("llama-4-scout");
  Deployment d = Deploy(m, "h100", 4, kBf16);
  d.max_model_len = 10485760;
  MemoryBudget b = Budget(m, d, 8192, 1);
  EXPECT_FALSE(b.fits);
  EXPECT_TRUE(b.reason.starts_with("one sequence of --max-model-len=10,485,760 tokens needs")) << b.reason;
}

TEST(EngineProfile, TrtllmPoolIsNinetyPercentOfWhatIsLeft) {
  const ModelSpec m = Model("llama-3.1-8b");
  MemoryBudget b = Budget(m, Deploy(m, "h100", 1, kBf16, Engine::kTrtllm), 8192, 1);
  EXPECT_EQ(b.capacity, MiB(81559));
  EXPECT_NEAR(b.kv_cache.v, 0.9 * (b.capacity - b.weights_total - b.activations - b.overhead).v, 1.0);
}

TEST(EngineProfile, SglangStaticFractionHoldsWeightsAndPoolOnly) {
  const ModelSpec m = Model("llama-3.1-8b");
  MemoryBudget b = Budget(m, Deploy(m, "h100", 1, kBf16, Engine::kSglang), 8192, 1);
  EXPECT_EQ(b.capacity, MiB(81559) * 0.88);
  EXPECT_NEAR(b.kv_cache.v, (b.capacity - b.weights_total).v, 1.0);
  EXPECT_EQ(Budget(m, Deploy(m, "h100", 1, kBf16, Engine::kSglang), 17, 1).kv_bytes_per_sequence,
            KiB(128) * 17);  // page size 1: no rounding
}

TEST(EngineProfile, ParseEngineNamesTheFlag) {
  EXPECT_EQ(*ParseEngine("SGLang", "--engine"), Engine::kSglang);
  EXPECT_EQ(*ParseEngine("tensorrt-llm", "--engine"), Engine::kTrtllm);
  EXPECT_EQ(ParseEngine("tgi", "--engine").error().message,
            "--engine: unknown engine 'tgi' (expected vllm, sglang or trtllm)");
}

TEST(MemoryBudget, AbsurdInputIsAnError) {
  const ModelSpec m = Model("llama-4-scout");
  const Deployment d = Deploy(m, "h100", 4, kBf16);
  EXPECT_EQ(BudgetError(m, d, -5, 1), "--context=-5 must be at least 1 token");
  EXPECT_EQ(BudgetError(m, d, 0, 1), "--context=0 must be at least 1 token");
  EXPECT_EQ(BudgetError(m, d, 8192, 0), "--batch=0 must be at least 1 sequence");
  EXPECT_EQ(BudgetError(m, d, 20000000, 1),
            "--context=20000000 exceeds the model's context of 10485760 tokens (max_position_embeddings)");
  Deployment limited = d;
  limited.max_model_len = 4096;
  EXPECT_EQ(BudgetError(m, limited, 8192, 1), "--context=8192 exceeds --max-model-len=4096");
  Deployment bad = d;
  bad.parallel = {.tp = 64};
  EXPECT_EQ(BudgetError(m, bad, 8192, 1),
            "--tp=64 exceeds num_attention_heads=40: every tensor-parallel GPU needs at least one attention head");
  bad.parallel = {.tp = 8, .ep = 3};
  EXPECT_EQ(BudgetError(m, bad, 8192, 1),
            "--ep=3 does not divide num_experts=16: every expert-parallel GPU holds the same number of experts");
}

TEST(Warnings, UnboundedContextWithoutMaxModelLen) {
  // Scout's 10,485,760-token window: one sequence needs 120.3 GiB of KV per GPU at TP 4.
  const ModelSpec m = Model("llama-4-scout");
  MemoryBudget b = Budget(m, Deploy(m, "h100", 4, kBf16), 8192, 1);
  ASSERT_TRUE(HasWarning(b, "unbounded_context"));
  EXPECT_TRUE(b.warnings[0].message.starts_with(
      "no --max-model-len: the engine sizes for the model's 10,485,760-token context, and one such sequence "
      "needs 120.3 GiB of KV per GPU"))
      << b.warnings[0].message;
}

TEST(Warnings, BatchCeilingAtMaxContext) {
  // --max-model-len 131072 at TP 4: 12 global layers x 131,072 x 1 KiB + 36 chunked x 8,192 x 1 KiB
  // = 1.78 GiB per sequence; the 17.2 GiB pool holds 9 of them, below a batch of 16.
  const ModelSpec m = Model("llama-4-scout");
  Deployment d = Deploy(m, "h100", 4, kBf16);
  d.max_model_len = 131072;
  MemoryBudget b = Budget(m, d, 8192, 16);
  EXPECT_TRUE(b.fits);
  EXPECT_FALSE(HasWarning(b, "unbounded_context"));
  ASSERT_TRUE(HasWarning(b, "batch_ceiling"));
  for (const auto& w : b.warnings) {
    if (w.code != "batch_ceiling") continue;
    EXPECT_EQ(w.message,
              "at the 131,072-token max context the KV pool holds 9 sequences, below the 16 the workload runs; "
              "long requests will queue or be preempted");
  }
}

TEST(Warnings, Fp8WouldHalveTheGpus) {
  const ModelSpec m = Model("llama-4-scout");
  MemoryBudget b = Budget(m, Deploy(m, "h100", 4, kBf16), 8192, 1);
  ASSERT_TRUE(HasWarning(b, "fp8_halves_gpus"));
  EXPECT_EQ(b.warnings.back().message,
            "bf16 weights on 4x h100-sxm; FP8 weights fit on 2x (h100-sxm has FP8 tensor cores; check the quality "
            "of an FP8 checkpoint)");
  // No FP8 units on A100: no such advice.
  EXPECT_FALSE(HasWarning(Budget(m, Deploy(m, "a100", 4, kBf16), 8192, 1), "fp8_halves_gpus"));
}

TEST(Warnings, LowHeadroom) {
  // gpt-oss-120b on one H100: a 6.8 GiB pool is 9% of 71.7 GiB.
  const ModelSpec m = Model("gpt-oss-120b");
  MemoryBudget b = Budget(m, Deploy(m, "h100", 1, NativeWeightPrecision(m)), 8192, 1);
  ASSERT_TRUE(HasWarning(b, "low_headroom"));
  EXPECT_EQ(b.warnings[0].message,
            "the KV pool is 6.8 GiB, 9% of the 71.7 GiB capacity per GPU (under 10%): few sequences fit; use more "
            "GPUs or smaller weights");
  EXPECT_FALSE(HasWarning(Budget(m, Deploy(m, "h200", 1, NativeWeightPrecision(m)), 8192, 1), "low_headroom"));
}

}  // namespace
}  // namespace capplan

namespace capplan {
namespace {

TEST(Warnings, SimpleModelWithoutItsTotalIsSizedAtActive) {
  SimpleModelInput in;
  in.active_params = 17e9;
  in.num_layers = 48;
  in.num_kv_heads = 8;
  in.head_dim = 128;
  in.num_experts = 16;
  in.experts_per_token = 1;
  auto without = BuildSimpleModel(in);
  ASSERT_TRUE(without.ok()) << without.error().message;
  MemoryBudget b =
      testing::Budget(*without, testing::Deploy(*without, "h100", 1, UniformWeightPrecision(DType::kBF16)), 8192, 1);
  ASSERT_TRUE(testing::HasWarning(b, "simple_total_missing"));
  EXPECT_TRUE(b.warnings.back().message.starts_with("total parameters not given: weights sized from the 17.00B active"))
      << b.warnings.back().message;
  in.total_params = 109e9;
  auto with = BuildSimpleModel(in);
  ASSERT_TRUE(with.ok());
  EXPECT_FALSE(testing::HasWarning(
      testing::Budget(*with, testing::Deploy(*with, "h100", 4, UniformWeightPrecision(DType::kBF16)), 8192, 1),
      "simple_total_missing"));
}

// Issue 16: warnings true for the inputs they are shown with.
TEST(BudgetWarnings, WeightsThatDoNotFitSuggestTheNearestFitsAndNoBatchWarning) {
  const ModelSpec m = Model("llama-4-scout");
  const MemoryBudget b = Budget(m, Deploy(m, "h100", 1, UniformWeightPrecision(DType::kBF16)), 8192, 16);
  ASSERT_FALSE(b.fits);
  ASSERT_TRUE(HasWarning(b, "does_not_fit"));
  EXPECT_FALSE(HasWarning(b, "batch_ceiling"));
  EXPECT_FALSE(HasWarning(b, "low_headroom"));
  std::string msg;
  for (const auto& w : b.warnings)
    if (w.code == "does_not_fit") msg = w.message;
  // 108.6B parameters: 217 GB in BF16 needs 4x H100 (80 GB each); FP8 halves it to 2x.
  EXPECT_NE(msg.find("4x h100-sxm at this precision"), std::string::npos) << msg;
  EXPECT_NE(msg.find("2x h100-sxm with FP8 weights"), std::string::npos) << msg;
}

TEST(BudgetWarnings, NearLimitWhenTheWorkloadLeavesLessThanTheMargin) {
  const ModelSpec m = Model("llama-3.1-8b");
  const Deployment d = Deploy(m, "h100", 1, UniformWeightPrecision(DType::kBF16));
  const MemoryBudget one = Budget(m, d, 8192, 1);
  ASSERT_TRUE(one.fits);
  EXPECT_FALSE(HasWarning(one, "near_limit"));  // ~50 GiB free
  // As many 8K sequences as the pool holds: what is left is under one sequence's 1 GiB of KV, below the 2 GiB margin.
  const MemoryBudget full = Budget(m, d, 8192, one.max_concurrent_sequences);
  ASSERT_TRUE(full.fits);
  EXPECT_TRUE(HasWarning(full, "near_limit")) << FormatBytes(full.free);
}

TEST(BudgetWarnings, MaxModelLenTimesMaxNumSeqsBeyondThePool) {
  const ModelSpec m = Model("llama-3.1-8b");
  Deployment d = Deploy(m, "h100", 1, UniformWeightPrecision(DType::kBF16));
  d.max_model_len = 131072;  // 16 GiB of KV per sequence: the pool holds 3, not 256
  d.max_num_seqs = 256;
  const MemoryBudget b = Budget(m, d, 8192, 1);
  ASSERT_TRUE(b.fits);
  EXPECT_TRUE(HasWarning(b, "pool_below_limits"));
  d.max_num_seqs = 2;
  EXPECT_FALSE(HasWarning(Budget(m, d, 8192, 1), "pool_below_limits"));
}

}  // namespace
}  // namespace capplan
