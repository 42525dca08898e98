#include <gtest/gtest.h>

#include "memory/shard.h"
#include "memory/testutil.h"

namespace capplan {
namespace {

using testing::Gpu;
using testing::Model;

std::string LayoutError(std::string_view model, Parallelism p) {
  Status s = ValidateLayout(Model(model), p);
  return s.ok() ? "ok" : s.error().message;
}

TEST(ValidateLayout, ErrorsNameTheFlagAndTheRule) {
  EXPECT_EQ(LayoutError("llama-4-scout", {.tp = 64}),
            "--tp=64 exceeds num_attention_heads=40: every tensor-parallel GPU needs at least one attention head");
  EXPECT_EQ(LayoutError("llama-4-scout", {.tp = 16}),
            "--tp=16 does not divide num_attention_heads=40: attention heads are split evenly across "
            "tensor-parallel GPUs");
  EXPECT_EQ(LayoutError("llama-4-scout", {.tp = 20}),
            "--tp=20 and num_key_value_heads=8: one must divide the other (KV heads are split across TP GPUs, or "
            "replicated in whole copies when TP exceeds them)");
  EXPECT_EQ(LayoutError("llama-4-scout", {.tp = 8, .ep = 3}),
            "--ep=3 does not divide num_experts=16: every expert-parallel GPU holds the same number of experts");
  EXPECT_EQ(LayoutError("llama-4-scout", {.tp = 4, .ep = 8}),
            "--ep=8 does not divide --tp=4: a layer's experts are split among the GPUs of its pipeline stage "
            "(moe-tp x ep = tp x dp-attention, as TensorRT-LLM's moe_tp_size x moe_ep_size)");
  EXPECT_EQ(LayoutError("llama-3.1-8b", {.tp = 2, .ep = 2}),
            "--ep=2 needs a mixture-of-experts model; llama-3.1-8b is dense");
  EXPECT_EQ(LayoutError("llama-4-scout", {.pp = 49}),
            "--pp=49 exceeds the model's 48 layers: every pipeline stage needs at least one layer");
  EXPECT_EQ(LayoutError("llama-4-scout", {.tp = 0}), "--tp=0 must be at least 1");
  EXPECT_EQ(LayoutError("llama-4-scout", {.pp = -1}), "--pp=-1 must be at least 1");
}

TEST(ValidateLayout, ImpossibleLayoutsAreInfeasibleAndNameTheFlag) {
  Status s = ValidateLayout(Model("llama-4-scout"), {.tp = 64});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInfeasible);
  EXPECT_EQ(s.error().field, "tp");
}

TEST(ValidateLayout, TpAboveKvHeadsReplicatesThemAndIsNoError) {
  // Llama 3.1 8B: 32 heads, 8 KV heads. TP 16 keeps one replicated KV head per GPU.
  EXPECT_EQ(LayoutError("llama-3.1-8b", {.tp = 16}), "ok");
  EXPECT_EQ(LayoutError("deepseek-v3", {.tp = 16, .ep = 16}), "ok");  // MLA: no KV-head rule
}

TEST(DefaultLayout, ZeroGpusIsAnError) {
  auto r = DefaultLayout(Model("llama-4-scout"), Gpu("h100"), 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "--gpus=0 must be at least 1");
  EXPECT_EQ(r.error().field, "gpus");
}

TEST(DefaultLayout, TensorParallelWithinANodePipelineAcross) {
  EXPECT_EQ(*DefaultLayout(Model("llama-3.1-405b"), Gpu("h100"), 16), (Parallelism{.tp = 8, .ep = 1, .pp = 2}));
  // Scout's 40 heads: 16 GPUs on a 72-GPU NVLink domain still split TP 8 x PP 2.
  EXPECT_EQ(*DefaultLayout(Model("llama-4-scout"), Gpu("gb200"), 16), (Parallelism{.tp = 8, .ep = 8, .pp = 2}));
  // 3 GPUs: 40 heads are not divisible by 3, so three pipeline stages.
  EXPECT_EQ(*DefaultLayout(Model("llama-4-scout"), Gpu("h100"), 3), (Parallelism{.tp = 1, .ep = 1, .pp = 3}));
  // MoE models take ep = tp when the experts divide (Mixtral: 8 experts).
  EXPECT_EQ(*DefaultLayout(Model("mixtral-8x7b"), Gpu("h100"), 4), (Parallelism{.tp = 4, .ep = 4, .pp = 1}));
}

TEST(PipelineStages, RemainderGoesToTheStagesBeforeTheLast) {
  // vLLM get_pp_indices: 61 layers over 4 stages = 15, 15, 16, 15.
  auto s = PipelineStages(61, 4);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].num_layers, 15);
  EXPECT_EQ(s[2].num_layers, 16);
  EXPECT_EQ(s[2].first_layer, 30);
  EXPECT_EQ(s[3].num_layers, 15);
  EXPECT_EQ(s[3].first_layer, 46);
}

TEST(StageWeights, EmbeddingOnTheFirstStageLmHeadOnTheLast) {
  const ModelSpec m = Model("llama-3.1-70b");
  const Parallelism p{.tp = 1, .pp = 2};
  const auto stages = PipelineStages(static_cast<int>(m.layers.size()), 2);
  const WeightPrecision w = UniformWeightPrecision(DType::kBF16);
  WeightBytes first = StageWeightsPerGpu(m, w, p, stages, 0);
  WeightBytes last = StageWeightsPerGpu(m, w, p, stages, 1);
  EXPECT_EQ(first.embedding, Bytes{m.params.embedding * 2.0});
  EXPECT_EQ(first.lm_head, Bytes{});
  EXPECT_EQ(last.embedding, Bytes{});
  EXPECT_EQ(last.lm_head, Bytes{m.params.lm_head * 2.0});
  // The stages together hold the whole model.
  EXPECT_NEAR(first.Total().v + last.Total().v, WeightBytesOf(m, w).Total().v, 1.0);
}

TEST(StageWeights, TensorParallelShardsAddUpToTheModelPlusReplicatedParts) {
  // Llama 3.1 8B at TP 4: every component splits except norms (replicated): 4 shards = total +
  // 3 x norms.
  const ModelSpec m = Model("llama-3.1-8b");
  const WeightPrecision w = UniformWeightPrecision(DType::kBF16);
  const auto stages = PipelineStages(static_cast<int>(m.layers.size()), 1);
  WeightBytes shard = StageWeightsPerGpu(m, w, {.tp = 4}, stages, 0);
  const WeightBytes all = WeightBytesOf(m, w);
  EXPECT_NEAR(4 * shard.Total().v, all.Total().v + 3 * all.norms.v, 1.0);
}

TEST(StageWeights, ReplicatedKvHeadsCostMoreThanAnEvenSplit) {
  // TP 16 over 8 KV heads: the K and V projections are held twice over (one head per GPU).
  const ModelSpec m = Model("llama-3.1-8b");
  const auto stages = PipelineStages(static_cast<int>(m.layers.size()), 1);
  const WeightPrecision w = UniformWeightPrecision(DType::kBF16);
  WeightBytes tp16 = StageWeightsPerGpu(m, w, {.tp = 16}, stages, 0);
  // 32 layers x 2 (K, V) x 4096 x 128 (one head) x 2 B, plus 1/16 of q and o.
  const double kv_proj = 32 * 2.0 * 4096 * 128 * 2;
  const double q_o = (m.params.attention - 32 * 2.0 * 4096 * 8 * 128) * 2;
  EXPECT_NEAR(tp16.attention.v, kv_proj + q_o / 16, 1.0);
}

}  // namespace
}  // namespace capplan

namespace capplan {
namespace {

TEST(ResolveLayout, FlagsMakeAReplicaAndTheRestDataParallel) {
  const ModelSpec m = testing::Model("llama-3.1-70b");
  const GpuSpec g = testing::Gpu("h100");
  EXPECT_EQ(*ResolveLayout(m, g, {.gpus = 8, .tp = 4}), (Parallelism{.tp = 4, .ep = 1, .pp = 1, .replicas = 2}));
  EXPECT_EQ(*ResolveLayout(m, g, {.gpus = 8}), (Parallelism{.tp = 8}));
  EXPECT_EQ(ResolveLayout(m, g, {.gpus = 6, .tp = 4}).error().message,
            "--gpus=6 is not a multiple of --tp x --pp = 4 (GPUs per replica = tp x dp-attention x pp)");
  EXPECT_EQ(ResolveLayout(m, g, {.gpus = 0}).error().message, "--gpus=0 must be at least 1");
  EXPECT_EQ(ResolveLayout(m, g, {.gpus = 8, .ep = 2}).error().message,
            "--ep=2 needs a mixture-of-experts model; llama-3.1-70b is dense");
}

}  // namespace
}  // namespace capplan
