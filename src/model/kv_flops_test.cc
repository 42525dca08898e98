// KV-cache and FLOPs accounting: golden numbers from the domain primer, worked by hand.
#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "capplan/model.h"

namespace capplan {
namespace {

ModelSpec Preset(const char* name) { return *LoadPreset(name); }

// Primer §4/§6: Scout BF16 KV = 48 layers x 2 (K, V) x 8 KV heads x 128 x 2 B = 196,608 B = 192 KiB.
TEST(KvCache, ScoutBf16KvIs192KiBPerToken) {
  const ModelSpec m = Preset("llama-4-scout");
  EXPECT_EQ(KvElementsPerTokenPerLayer(m), 2 * 8 * 128);
  EXPECT_EQ(KvBytesPerToken(m, DType::kBF16), KiB(192));
  EXPECT_EQ(KvBytesPerToken(m, DType::kFP8), KiB(96));
}

// Scout at 2^20 tokens: 12 NoPE (global) layers keep all 2^20 tokens, 36 chunked layers keep 8192:
// (12 x 2^20 + 36 x 8192) x 4096 B = 48 GiB + 1.125 GiB = 49.125 GiB; without per-layer-type
// allocation 48 x 2^20 x 4096 B = 192 GiB (primer: "~49 GiB vs 192 GiB").
TEST(KvCache, ScoutAtOneMebitokenNeeds49GiBWithPerLayerTypeAllocationAnd192GiBWithout) {
  const ModelSpec m = Preset("llama-4-scout");
  EXPECT_EQ(KvBytesPerSequence(m, 1 << 20, DType::kBF16, /*per_layer_type=*/true), GiB(49.125));
  EXPECT_EQ(KvBytesPerSequence(m, 1 << 20, DType::kBF16, /*per_layer_type=*/false), GiB(192));
  const auto kinds = KvBytesPerTokenByLayerKind(m, DType::kBF16);
  ASSERT_EQ(kinds.size(), 2u);
  EXPECT_EQ(kinds[0].kind, AttentionKind::kFull);
  EXPECT_EQ(kinds[0].num_layers, 12);
  EXPECT_EQ(kinds[1].kind, AttentionKind::kChunked);
  EXPECT_EQ(kinds[1].num_layers, 36);
  EXPECT_EQ(kinds[1].window, 8192);
  EXPECT_EQ(kinds[1].bytes_per_token, Bytes{36 * 4096.0});
}

TEST(KvCache, ShortContextsAreTheSameWithOrWithoutPerLayerTypeAllocation) {
  const ModelSpec m = Preset("llama-4-scout");
  EXPECT_EQ(KvBytesPerSequence(m, 8192, DType::kBF16, true), KvBytesPerSequence(m, 8192, DType::kBF16, false));
}

// DeepSeek MLA caches (kv_lora_rank 512 + rope 64) elements per layer, 61 layers, BF16:
// 576 x 61 x 2 B = 70,272 B per token.
TEST(KvCache, DeepSeekMlaCachesTheLatentOnly) {
  const ModelSpec m = Preset("deepseek-v3");
  EXPECT_EQ(KvElementsPerTokenPerLayer(m), 576);
  EXPECT_EQ(KvBytesPerToken(m, DType::kBF16), Bytes{576.0 * 61 * 2});
}

// gpt-oss-120b: 18 sliding layers (window 128), 18 full; per layer 2 x 8 x 64 x 2 B = 2048 B.
TEST(KvCache, GptOssSlidingLayersKeep128Tokens) {
  const ModelSpec m = Preset("gpt-oss-120b");
  EXPECT_EQ(KvBytesPerSequence(m, 131072, DType::kBF16, true), Bytes{2048.0 * (18 * 131072 + 18 * 128)});
  EXPECT_EQ(KvBytesPerSequence(m, 131072, DType::kBF16, false), Bytes{2048.0 * 36 * 131072});
}

TEST(KvCache, DenseLlamaKvScalesLinearlyWithContext) {
  const ModelSpec m = Preset("llama-3.1-8b");
  // 32 layers x 2 x 8 x 128 x 2 B = 128 KiB per token.
  EXPECT_EQ(KvBytesPerToken(m, DType::kBF16), KiB(128));
  EXPECT_EQ(KvBytesPerSequence(m, 8192, DType::kBF16, true), GiB(1));
}

// Linear FLOPs are 2 x active parameters without the input embedding.
TEST(Flops, LinearPartIsTwiceTheActiveParametersWithoutEmbedding) {
  const ModelSpec m = Preset("mixtral-8x7b");
  EXPECT_EQ(FlopsPerTokenAt(m, 0).linear, Flops{2.0 * ActiveParams(m, false)});
  EXPECT_EQ(FlopsPerTokenAt(m, 0).attention, Flops{0});
}

// Llama 3.1 8B at 4096 tokens: 32 layers x 2 (QK^T, AV) x 2 x 32 heads x 128 x 4096.
TEST(Flops, AttentionGrowsWithContextOnFullLayers) {
  const ModelSpec m = Preset("llama-3.1-8b");
  EXPECT_EQ(FlopsPerTokenAt(m, 4096).attention, Flops{32.0 * 2 * 2 * 32 * 128 * 4096});
}

// gpt-oss-120b at 65536: sliding layers see 128 tokens. 64 heads x 64 dims.
TEST(Flops, SlidingLayersSeeAtMostTheirWindow) {
  const ModelSpec m = Preset("gpt-oss-120b");
  EXPECT_EQ(FlopsPerTokenAt(m, 65536).attention, Flops{2.0 * 2 * 64 * 64 * (18.0 * 65536 + 18.0 * 128)});
}

// DeepSeek MLA: per head QK^T over 192 dims (128 nope + 64 rope), AV over 128 v dims.
TEST(Flops, MlaUsesItsQkAndVHeadDims) {
  const ModelSpec m = Preset("deepseek-v3");
  EXPECT_EQ(FlopsPerTokenAt(m, 1000).attention, Flops{61.0 * 2 * 128 * (192 + 128) * 1000});
}

// Weight bytes: total x bytes per element per component.
TEST(WeightBytes, Bf16IsTwoBytesPerParameter) {
  const ModelSpec m = Preset("llama-4-scout");
  EXPECT_EQ(WeightBytesOf(m, UniformWeightPrecision(DType::kBF16)).Total(), Bytes{2.0 * TotalParams(m)});
}

TEST(WeightBytes, QuantizedLinearLayersKeepEmbeddingsAndNormsInBf16) {
  const ModelSpec m = Preset("llama-3.1-8b");
  const WeightBytes w = WeightBytesOf(m, UniformWeightPrecision(DType::kFP8));
  EXPECT_EQ(w.embedding, Bytes{2.0 * 128256 * 4096});
  EXPECT_EQ(w.attention, Bytes{1.0 * m.params.attention});
  EXPECT_EQ(w.norms, Bytes{2.0 * m.params.norms});
}

// gpt-oss-120b native: MXFP4 experts (0.53125 B/param with E8M0 scales), the rest BF16:
// 36 x 128 x 24,891,840 x 0.53125 + 2 x (the other 2.13B) = ~60.9 GiB (OpenAI: fits one 80 GB GPU).
TEST(WeightBytes, GptOssNativeIsMxfp4ExpertsAndBf16Rest) {
  const ModelSpec m = Preset("gpt-oss-120b");
  const WeightBytes w = WeightBytesOf(m, NativeWeightPrecision(m));
  EXPECT_EQ(w.routed_experts, Bytes{0.53125 * m.params.routed_experts});
  EXPECT_EQ(w.attention, Bytes{2.0 * m.params.attention});
  EXPECT_NEAR(ToGiB(w.Total()), 60.8, 0.3);
}

TEST(WeightBytes, DeepSeekNativeIsFp8LinearWithBf16Embeddings) {
  const ModelSpec m = Preset("deepseek-v3");
  const WeightBytes w = WeightBytesOf(m, NativeWeightPrecision(m));
  EXPECT_EQ(w.routed_experts, Bytes{1.0 * m.params.routed_experts});
  EXPECT_EQ(w.embedding, Bytes{2.0 * m.params.embedding});
  EXPECT_EQ(w.lm_head, Bytes{2.0 * m.params.lm_head});
}

// kWeightComponents lists each component once, in enum order, and WeightComponentOf reaches the field of its name.
TEST(WeightComponents, EachComponentIsOneFieldOfItsName) {
  ParamBreakdown p;
  int64_t bit = 1;
  for (size_t i = 0; i < kWeightComponents.size(); ++i, bit *= 2) {
    EXPECT_EQ(IndexOf(kWeightComponents[i]), i);
    WeightComponentOf(p, kWeightComponents[i]) = bit;
  }
  EXPECT_EQ(p.embedding, 1);
  EXPECT_EQ(p.attention, 2);
  EXPECT_EQ(p.dense_mlp, 4);
  EXPECT_EQ(p.routed_experts, 8);
  EXPECT_EQ(p.shared_experts, 16);
  EXPECT_EQ(p.router, 32);
  EXPECT_EQ(p.norms, 64);
  EXPECT_EQ(p.lm_head, 128);
  EXPECT_EQ(p.vision, 256);
  EXPECT_EQ(p.Total(), 511);
  std::vector<std::string_view> names;
  for (const WeightComponent c : kWeightComponents) names.push_back(WeightComponentName(c));
  EXPECT_EQ(names, (std::vector<std::string_view>{"embedding", "attention", "dense_mlp", "routed_experts",
                                                  "shared_experts", "router", "norms", "lm_head", "vision"}));
}

TEST(WeightComponents, WeightBytesTotalIsTheSumOfItsComponents) {
  const ModelSpec m = Preset("deepseek-v3");
  const WeightBytes w = WeightBytesOf(m, NativeWeightPrecision(m));
  EXPECT_EQ(w.Total(), w.embedding + w.attention + w.dense_mlp + w.routed_experts + w.shared_experts + w.router +
                           w.norms + w.lm_head + w.vision);
  EXPECT_GT(w.shared_experts.v, 0);
}

// KV heads split across TP ranks; beyond them each rank keeps one whole head.
TEST(KvPerRank, HeadsSplitThenOneWholeHeadPerRank) {
  EXPECT_EQ(KvHeadsPerRank(8, 1), 8);
  EXPECT_EQ(KvHeadsPerRank(8, 2), 4);
  EXPECT_EQ(KvHeadsPerRank(8, 8), 1);
  EXPECT_EQ(KvHeadsPerRank(8, 16), 1);
  EXPECT_EQ(KvHeadsPerRank(1, 4), 1);
  EXPECT_EQ(KvHeadsPerRank(0, 4), 0);
}

// Llama 3.1 8B: 8 KV heads of 128: 2048 elements per token and layer, 512 on TP 4, one head (256) on TP 16.
// DeepSeek-V3's MLA latent (512 + 64) is whole on every rank.
TEST(KvPerRank, GqaSplitsAndMlaLatentIsReplicated) {
  const ModelSpec llama = Preset("llama-3.1-8b");
  EXPECT_EQ(KvElementsPerTokenPerLayerPerRank(llama, 1), KvElementsPerTokenPerLayer(llama));
  EXPECT_EQ(KvElementsPerTokenPerLayerPerRank(llama, 4), 512);
  EXPECT_EQ(KvElementsPerTokenPerLayerPerRank(llama, 16), 256);
  EXPECT_EQ(KvElementsPerTokenOfLayer(llama, llama.layers[0], 4), 512);
  const ModelSpec ds = Preset("deepseek-v3");
  EXPECT_EQ(KvElementsPerTokenPerLayerPerRank(ds, 8), 512 + 64);
  EXPECT_EQ(KvElementsPerTokenOfLayer(ds, ds.layers[0], 8), 512 + 64);
}

}  // namespace
}  // namespace capplan
