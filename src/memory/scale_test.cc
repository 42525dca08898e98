// Attention data parallelism, wide expert parallelism and EPLB redundant experts in the layout
// rules and the memory budget (issue 14; docs/scale.md).
#include <gtest/gtest.h>

#include "memory/shard.h"
#include "memory/testutil.h"

namespace capplan {
namespace {

using testing::Budget;
using testing::Gpu;
using testing::Model;

std::string LayoutError(std::string_view model, Parallelism p) {
  Status s = ValidateLayout(Model(model), p);
  return s.ok() ? "ok" : s.error().message;
}

TEST(ScaleLayout, ExpertParallelDividesTheStageNotTheTensorParallelRanks) {
  // T x A = 8 GPUs per stage: E = 8 with T = 1 is legal (it was not while E had to divide T).
  EXPECT_EQ(LayoutError("deepseek-v3", {.tp = 1, .ep = 8, .dp_attention = 8}), "ok");
  EXPECT_EQ(LayoutError("deepseek-v3", {.tp = 2, .ep = 8, .dp_attention = 4}), "ok");
  EXPECT_EQ(LayoutError("deepseek-v3", {.tp = 2, .ep = 16, .dp_attention = 4}),
            "--ep=16 does not divide --tp x --dp-attention=8: a layer's experts are split among the GPUs of its "
            "pipeline stage (moe-tp x ep = tp x dp-attention, as TensorRT-LLM's moe_tp_size x moe_ep_size)");
  EXPECT_EQ(LayoutError("deepseek-v3", {.tp = 1, .ep = 8, .dp_attention = 0}), "--dp-attention=0 must be at least 1");
}

TEST(ScaleLayout, RedundantExpertsMustSpreadEvenlyAndNeedExpertParallelism) {
  // DeepSeek-V3: 256 routed experts. 256 + 32 = 288 = 8 x 36; 256 + 4 = 260 does not split 8 ways.
  EXPECT_EQ(LayoutError("deepseek-v3", {.tp = 1, .ep = 8, .dp_attention = 8, .eplb_redundant = 32}), "ok");
  EXPECT_EQ(LayoutError("deepseek-v3", {.tp = 1, .ep = 8, .dp_attention = 8, .eplb_redundant = 4}),
            "--ep=8 does not divide num_experts=256 + --eplb-redundant=4: every expert-parallel GPU holds the same "
            "number of experts");
  EXPECT_EQ(LayoutError("deepseek-v3", {.tp = 8, .ep = 1, .eplb_redundant = 8}),
            "--eplb-redundant=8 needs --ep of at least 2: redundant experts balance load across expert-parallel "
            "ranks");
  EXPECT_EQ(LayoutError("deepseek-v3", {.tp = 8, .ep = 8, .eplb_redundant = -1}),
            "--eplb-redundant=-1 must be at least 0");
}

TEST(ScaleLayout, ResolveCountsTensorTimesAttentionRanksTimesStages) {
  const ModelSpec m = Model("deepseek-v3");
  const GpuSpec g = Gpu("h200");
  EXPECT_EQ(*ResolveLayout(m, g, {.gpus = 8, .tp = 1, .ep = 8, .dp_attention = 8}),
            (Parallelism{.tp = 1, .ep = 8, .pp = 1, .replicas = 1, .dp_attention = 8}));
  // --moe-tp alone gives E = T x A / M.
  Parallelism p = *ResolveLayout(m, g, {.gpus = 16, .tp = 1, .dp_attention = 8, .moe_tp = 2});
  EXPECT_EQ(p.ep, 4);
  EXPECT_EQ(p.MoeTp(), 2);
  EXPECT_EQ(p.replicas, 2);
  EXPECT_EQ(p.TotalGpus(), 16);
  EXPECT_EQ(ResolveLayout(m, g, {.gpus = 8, .tp = 1, .ep = 8, .dp_attention = 8, .moe_tp = 2}).error().message,
            "--moe-tp=2 x --ep=8 = 16 but --tp x --dp-attention = 8: moe-tp x ep = tp x dp-attention (every GPU of "
            "a stage holds one expert shard)");
  EXPECT_EQ(ResolveLayout(m, g, {.gpus = 8, .tp = 1, .dp_attention = 8, .moe_tp = 3}).error().message,
            "--moe-tp=3 does not divide --tp x --dp-attention=8: moe-tp x ep = tp x dp-attention");
  EXPECT_EQ(ResolveLayout(m, g, {.gpus = 12, .tp = 1, .ep = 8, .dp_attention = 8}).error().message,
            "--gpus=12 is not a multiple of --tp x --dp-attention x --pp = 8 (GPUs per replica = tp x dp-attention "
            "x pp)");
  // Wide EP across nodes: 4 HGX nodes, one attention rank per GPU, EP 32.
  Parallelism wide = *ResolveLayout(m, g, {.gpus = 32, .tp = 1, .ep = 32, .dp_attention = 32});
  EXPECT_EQ(wide.GpusPerReplica(), 32);
  EXPECT_EQ(wide.MoeTp(), 1);
}

TEST(ScaleShard, AttentionReplicatedAcrossRanksExpertsSplitOverTheStage) {
  const ModelSpec m = Model("deepseek-v3");
  const WeightPrecision w = NativeWeightPrecision(m);
  const auto stages = PipelineStages(static_cast<int>(m.layers.size()), 1);
  const WeightBytes dp = StageWeightsPerGpu(m, w, {.tp = 1, .ep = 8, .dp_attention = 8}, stages, 0);
  const WeightBytes tp8 = StageWeightsPerGpu(m, w, {.tp = 8, .ep = 8}, stages, 0);
  const WeightBytes one = StageWeightsPerGpu(m, w, {.tp = 1}, stages, 0);
  // Attention, dense MLPs, shared experts and the embedding: T = 1 within a rank, whole on each GPU.
  EXPECT_EQ(dp.attention, one.attention);
  EXPECT_EQ(dp.dense_mlp, one.dense_mlp);
  EXPECT_EQ(dp.shared_experts, one.shared_experts);
  EXPECT_EQ(dp.embedding, one.embedding);
  // Routed experts: 256 / 8 per GPU either way.
  EXPECT_NEAR(dp.routed_experts.v, tp8.routed_experts.v, 1.0);
  EXPECT_NEAR(dp.routed_experts.v * 8, one.routed_experts.v, 8.0);
  // EPLB: 32 redundant experts add 32/256 = 12.5% to each GPU's routed experts.
  const WeightBytes eplb =
      StageWeightsPerGpu(m, w, {.tp = 1, .ep = 8, .dp_attention = 8, .eplb_redundant = 32}, stages, 0);
  EXPECT_NEAR(eplb.routed_experts.v, dp.routed_experts.v * 288 / 256, 1.0);
}

TEST(ScaleKv, EachAttentionRankHoldsItsOwnSequences) {
  const ModelSpec m = Model("deepseek-v3");
  const EngineProfile e = DefaultEngineProfile(Engine::kVllm);
  // The MLA latent is whole on every GPU of a rank: per sequence the same bytes as TP 8 and TP 1.
  const Parallelism dp{.tp = 1, .ep = 8, .dp_attention = 8};
  EXPECT_EQ(KvBytesPerSequencePerGpu(m, dp, DType::kBF16, e, 3072),
            KvBytesPerSequencePerGpu(m, {.tp = 8, .ep = 8}, DType::kBF16, e, 3072));
  Deployment d{.gpu = Gpu("h200"), .parallel = dp, .weights = NativeWeightPrecision(m), .engine = e};
  const MemoryBudget b = Budget(m, d, 3072, 1000);
  // 1,000 sequences over 8 ranks: 125 on each, and that is what one GPU's pool must hold.
  EXPECT_EQ(b.batch_per_rank, 125);
  EXPECT_EQ(b.kv_needed, b.kv_bytes_per_sequence * 125);
  EXPECT_EQ(b.max_concurrent_sequences, 8 * static_cast<int>(b.kv_cache / b.kv_bytes_per_sequence));
  // --max-num-seqs caps each rank's scheduler.
  d.max_num_seqs = 64;
  EXPECT_EQ(Budget(m, d, 3072, 1).max_concurrent_sequences, 8 * 64);
}

TEST(ScaleKv, TooManySequencesNamesTheRanks) {
  const ModelSpec m = Model("deepseek-v3");
  Deployment d{.gpu = Gpu("h200"),
               .parallel = {.tp = 1, .ep = 8, .dp_attention = 8},
               .weights = NativeWeightPrecision(m),
               .engine = DefaultEngineProfile(Engine::kVllm)};
  const MemoryBudget b = Budget(m, d, 3072, 100'000);
  EXPECT_FALSE(b.fits);
  EXPECT_NE(b.reason.find("(12,500 on each of 8 attention-DP ranks)"), std::string::npos) << b.reason;
  EXPECT_NE(b.reason.find("sequences per rank)"), std::string::npos) << b.reason;
}

}  // namespace
}  // namespace capplan
