// Golden tests from issue 3 "Done means", with the hand arithmetic. Capacities: H100 81,559 MiB
// x 0.90 (vLLM --gpu-memory-utilization) = 71.68 GiB; H200 143,771 MiB x 0.90 = 126.36 GiB;
// B200 179 GiB x 0.90 = 161.1 GiB. Per GPU the engine also holds activations (~2-2.7 GiB, see
// docs/memory.md) and 1.75 GiB of overhead (0.75 GiB CUDA graphs + 1 GiB runtime).
// Tolerances: 0.1 GiB on weight shards (router and norm replication, < 0.01 GiB here).
#include <gtest/gtest.h>

#include "memory/testutil.h"

namespace capplan {
namespace {

using testing::Budget;
using testing::Deploy;
using testing::Model;

const WeightPrecision kBf16 = UniformWeightPrecision(DType::kBF16);
const WeightPrecision kFp8 = UniformWeightPrecision(DType::kFP8);

TEST(GoldenScout, Bf16FitsNeitherOneH100NorOneB200) {
  // 108.64e9 params x 2 B = 217.3 GB = 202.4 GiB of weights: above 71.7 GiB (H100) and 161.1 GiB
  // (B200), so not even the weights load. (The "~110 GB used on a B200" of the source is wrong.)
  const ModelSpec m = Model("llama-4-scout");
  EXPECT_NEAR(ToGiB(WeightBytesOf(m, kBf16).Total()), 202.4, 0.1);
  for (const char* gpu : {"h100", "b200"}) {
    MemoryBudget b = Budget(m, Deploy(m, gpu, 1, kBf16), 8192, 1);
    EXPECT_FALSE(b.fits) << gpu;
    EXPECT_EQ(b.kv_cache, Bytes{}) << gpu;
    EXPECT_EQ(b.max_concurrent_sequences, 0) << gpu;
    EXPECT_TRUE(b.reason.starts_with("weights 202.4 GiB + activations")) << b.reason;
  }
}

TEST(GoldenScout, Bf16FitsFourH100WithRoomForSixteenSequencesOf8K) {
  // TP 4: 202.4 GiB / 4 = 50.6 GiB per GPU. Pool = 71.68 - 50.6 - 2.1 (activations) - 1.75 = 17.2 GiB.
  // KV per token per GPU: 48 layers x (8 KV heads / 4) x 128 x 2 (K, V) x 2 B = 48 KiB; at 8,192
  // tokens 384 MiB per sequence (chunked layers hold their whole 8,192 window): 17.2 / 0.375 = 45.
  const ModelSpec m = Model("llama-4-scout");
  const Deployment d = Deploy(m, "h100", 4, kBf16);
  EXPECT_EQ(d.parallel, (Parallelism{.tp = 4, .ep = 4, .pp = 1}));
  MemoryBudget b = Budget(m, d, 8192, 16);
  EXPECT_TRUE(b.fits) << b.reason;
  EXPECT_NEAR(ToGiB(b.weights_total), 50.6, 0.1);
  EXPECT_NEAR(ToGiB(b.capacity), 71.68, 0.01);
  EXPECT_EQ(b.kv_bytes_per_sequence, MiB(384));
  EXPECT_NEAR(ToGiB(b.kv_cache), 17.2, 0.2);
  EXPECT_GE(b.max_concurrent_sequences, 16);
  EXPECT_EQ(b.max_concurrent_sequences, static_cast<int>(b.kv_cache / MiB(384)));
}

TEST(GoldenScout, Fp8FitsTwoH100) {
  // FP8 linear layers (1 B) with embedding, LM head, norms and vision in BF16: 103.9 GiB; TP 2:
  // 52.0 GiB per GPU. Pool = 71.68 - 52.0 - 2.3 - 1.75 = 15.7 GiB; KV per sequence of 8K with 4
  // KV heads per GPU: 48 x 8,192 x 2 KiB = 768 MiB, so 20 sequences.
  const ModelSpec m = Model("llama-4-scout");
  MemoryBudget b = Budget(m, Deploy(m, "h100", 2, kFp8), 8192, 1);
  EXPECT_TRUE(b.fits) << b.reason;
  EXPECT_NEAR(ToGiB(b.weights_total), 52.0, 0.1);
  EXPECT_EQ(b.kv_bytes_per_sequence, MiB(768));
  EXPECT_EQ(b.max_concurrent_sequences, 20);
}

TEST(GoldenMaverick, Bf16DoesNotFitEightH100ButFitsEightH200) {
  // 401.6e9 params x 2 B = 748.0 GiB; TP 8: 93.5 GiB per GPU > 71.68 GiB (H100) but < 126.36
  // GiB (H200), leaving 126.36 - 93.5 - 2.0 - 1.75 = 29.1 GiB of KV pool.
  const ModelSpec m = Model("llama-4-maverick");
  MemoryBudget h100 = Budget(m, Deploy(m, "h100", 8, kBf16), 8192, 1);
  EXPECT_FALSE(h100.fits);
  EXPECT_NEAR(ToGiB(h100.weights_total), 93.5, 0.1);
  MemoryBudget h200 = Budget(m, Deploy(m, "h200", 8, kBf16), 8192, 1);
  EXPECT_TRUE(h200.fits) << h200.reason;
  EXPECT_NEAR(ToGiB(h200.kv_cache), 29.1, 0.2);
}

TEST(GoldenMaverick, Fp8FitsEightH100) {
  // 376.7 GiB at FP8 (embeddings BF16) / 8 = 47.1 GiB per GPU: pool 71.68 - 47.1 - 2.0 - 1.75 = 20.8 GiB.
  const ModelSpec m = Model("llama-4-maverick");
  MemoryBudget b = Budget(m, Deploy(m, "h100", 8, kFp8), 8192, 1);
  EXPECT_TRUE(b.fits) << b.reason;
  EXPECT_NEAR(ToGiB(b.weights_total), 47.1, 0.1);
  EXPECT_NEAR(ToGiB(b.kv_cache), 20.8, 0.2);
}

TEST(GoldenGptOss, OneTwentyBFitsOneH100WithItsMxfp4Experts) {
  // Routed experts in MXFP4 (0.53125 B per parameter with the E8M0 scales), the rest BF16: 60.7
  // GiB (the checkpoint is 65 GB). Pool 71.68 - 60.7 - 2.4 - 1.75 = 6.8 GiB. KV per sequence of
  // 8K: 18 full layers x 8,192 + 18 sliding layers x 128 (window) tokens, each 2 x 8 x 64 x 2 B
  // = 2 KiB: 288 MiB + 4.5 MiB = 292.5 MiB, so 23 sequences.
  const ModelSpec m = Model("gpt-oss-120b");
  MemoryBudget b = Budget(m, Deploy(m, "h100", 1, NativeWeightPrecision(m)), 8192, 1);
  EXPECT_TRUE(b.fits) << b.reason;
  EXPECT_NEAR(ToGiB(b.weights_total), 60.7, 0.1);
  EXPECT_EQ(b.kv_bytes_per_sequence, MiB(292.5));
  EXPECT_EQ(b.max_concurrent_sequences, 23);
  // The same model in BF16 (234 GB) does not fit one H100.
  EXPECT_FALSE(Budget(m, Deploy(m, "h100", 1, kBf16), 8192, 1).fits);
}

TEST(GoldenScout, KvAtTwoToTheTwentyTokensWithAndWithoutPerLayerTypeAllocation) {
  // Domain primer section 4. BF16 KV per layer per token: 2 x 8 x 128 x 2 B = 4 KiB.
  // Per layer type (vLLM): 12 NoPE global layers x 2^20 x 4 KiB = 48 GiB, plus 36 chunked layers x
  // 8,192 x 4 KiB = 1.125 GiB: 49.125 GiB. Without (TensorRT-LLM): 48 x 2^20 x 4 KiB = 192 GiB.
  const ModelSpec m = Model("llama-4-scout");
  const Parallelism one{};
  const int64_t n = int64_t{1} << 20;
  EXPECT_EQ(KvBytesPerSequencePerGpu(m, one, DType::kBF16, DefaultEngineProfile(Engine::kVllm), n), GiB(49.125));
  EXPECT_EQ(KvBytesPerSequencePerGpu(m, one, DType::kBF16, DefaultEngineProfile(Engine::kTrtllm), n), GiB(192));
  // The model engine's own count agrees at TP 1.
  EXPECT_EQ(KvBytesPerSequence(m, n, DType::kBF16, true), GiB(49.125));
  EXPECT_EQ(KvBytesPerSequence(m, n, DType::kBF16, false), GiB(192));
  // FP8 KV halves both.
  EXPECT_EQ(KvBytesPerSequencePerGpu(m, one, DType::kFP8, DefaultEngineProfile(Engine::kVllm), n), GiB(49.125 / 2));
}

TEST(GoldenDeepSeekV3, AttentionDataParallelHoldsFiveTimesTheSequencesOfTensorParallel) {
  // Issue 14: on 8x H200 (native FP8 weights, BF16 KV, vLLM profile) at 3,072 tokens per sequence.
  // The MLA latent is 61 layers x 576 x 2 B = 70,272 B per token: 205.875 MiB per sequence, held
  // whole by every GPU that runs the sequence's attention.
  // --tp 8 --ep 8: the latent sits on all 8 GPUs. Weights 79.17 GiB per GPU (routed experts 76.13),
  //   pool 126.36 - 79.17 - 2.40 (activations) - 1.75 = 43.03 GiB: 214 sequences for the replica.
  // --dp-attention 8 --ep 8: each GPU holds only its rank's sequences, so 8x the sequences per byte
  //   of pool; but attention (10.63 GiB), dense MLPs (1.11), shared experts (2.38) and embedding +
  //   LM head (3.45, BF16) are whole on every GPU: weights 93.79 GiB, pool 126.36 - 93.79 - 3.14 -
  //   1.75 = 27.68 GiB = 137 sequences per rank, 1,096 for the replica: 8 x 27.68 / 43.03 = 5.1x.
  //   (The "about 8x" is the KV per sequence; the replicated weights take the rest. SGLang
  //   serves this layout with 1,024 running requests, which the 1,096 admits.)
  const ModelSpec m = Model("deepseek-v3");
  Deployment tp{.gpu = testing::Gpu("h200"),
                .parallel = {.tp = 8, .ep = 8},
                .weights = NativeWeightPrecision(m),
                .engine = DefaultEngineProfile(Engine::kVllm)};
  Deployment dp = tp;
  dp.parallel = {.tp = 1, .ep = 8, .dp_attention = 8};
  const MemoryBudget a = Budget(m, tp, 3072, 1);
  const MemoryBudget b = Budget(m, dp, 3072, 1);
  EXPECT_EQ(a.kv_bytes_per_sequence, MiB(205.875));
  EXPECT_EQ(b.kv_bytes_per_sequence, MiB(205.875));
  EXPECT_NEAR(ToGiB(a.weights_total), 79.17, 0.1);
  EXPECT_NEAR(ToGiB(b.weights_total), 93.79, 0.1);
  EXPECT_NEAR(ToGiB(a.kv_cache), 43.03, 0.2);
  EXPECT_NEAR(ToGiB(b.kv_cache), 27.68, 0.2);
  EXPECT_EQ(a.max_concurrent_sequences, 214);
  EXPECT_EQ(b.max_concurrent_sequences, 1096);
  EXPECT_GE(b.max_concurrent_sequences, 1024);
  const double ratio = static_cast<double>(b.max_concurrent_sequences) / a.max_concurrent_sequences;
  EXPECT_NEAR(ratio, 8 * ToGiB(b.kv_cache) / ToGiB(a.kv_cache), 0.05);
  EXPECT_GT(ratio, 5.0);
}

}  // namespace
}  // namespace capplan
