// Golden tests for the 2026 families: one layer of each kind counted by hand from its config.json
// (exact to the weight or byte), the recurrent state per sequence of a Gated DeltaNet and a Mamba-2
// layer, and totals against the publishers' figures (within 1%, or the gap named in docs/models.md).
#include <gtest/gtest.h>

#include <cmath>

#include "capplan/model.h"

namespace capplan {
namespace {

ModelSpec Preset(const char* name) {
  auto m = LoadPreset(name);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  return m.ok() ? *m : ModelSpec{};
}

double Ratio(int64_t computed, double official) { return static_cast<double>(computed) / official; }

const LayerSpec& FirstOf(const ModelSpec& m, MixerKind k) {
  for (const auto& l : m.layers)
    if (l.mixer == k) return l;
  ADD_FAILURE() << "no layer of kind " << MixerKindName(k);
  return m.layers.front();
}

// Qwen/Qwen3.5-35B-A3B: hidden 2048, 40 layers (30 Gated DeltaNet, 10 full attention), linear heads
// 16 key / 32 value of 128 x 128, conv kernel 4, state float32; attention 16 heads / 2 KV heads of 256
// with an output gate; 256 experts of 512 top-8 plus a 512 shared expert.
TEST(Golden2026, QwenThreeFiveGatedDeltaNetLayerAndStateByHand) {
  const ModelSpec m = Preset("qwen3.5-35b-a3b");
  const LayerSpec& gdn = FirstOf(m, MixerKind::kGatedDeltaNet);
  // in_proj_qkvz 2048 x (2*16*128 + 2*32*128), in_proj_ba 2048 x 64, conv1d (2*16*128 + 32*128) x 4,
  // dt_bias + A_log 2 x 32, norm 128, out_proj 4096 x 2048.
  const int64_t by_hand = 2048LL * 12288 + 2048 * 64 + 8192LL * 4 + 64 + 128 + 4096LL * 2048;
  EXPECT_EQ(gdn.attention_params, by_hand);
  EXPECT_EQ(by_hand, 33'718'464);
  // State: 32 value heads x 128 x 128 x 4 B = 2 MiB; conv state (2*16*128 + 32*128) x 3 x 2 B = 48 KiB.
  const RecurrentState s = RecurrentStateOfLayer(m, gdn);
  EXPECT_EQ(s.ssm, Bytes{2.0 * 1024 * 1024});
  EXPECT_EQ(s.conv, Bytes{48.0 * 1024});
  // Constant in context: the same two numbers move per decode step at 1k and at 200k tokens.
  EXPECT_EQ(DecodeCacheBytesPerSequence(m, gdn, 1000, DType::kBF16), (s.ssm + s.conv) * 2.0);
  EXPECT_EQ(DecodeCacheBytesPerSequence(m, gdn, 200000, DType::kBF16), (s.ssm + s.conv) * 2.0);
  EXPECT_EQ(KvElementsPerTokenOfLayer(m, gdn), 0);
  // Tensor parallel over 4 GPUs splits the heads: a quarter each.
  EXPECT_EQ(RecurrentStateOfLayer(m, gdn, 4).Total(), s.Total() / 4.0);

  const LayerSpec& full = FirstOf(m, MixerKind::kAttention);
  // q_proj 2048 x (16 x 256 x 2: query and gate), k/v 2 x 2048 x 512, o_proj 4096 x 2048, q/k norms 2 x 256.
  EXPECT_EQ(full.attention_params, 2048LL * 8192 + 2 * 2048LL * 512 + 4096LL * 2048 + 512);
  EXPECT_EQ(KvElementsPerTokenOfLayer(m, full), 2 * 2 * 256);
  // MoE: 256 experts x 3 x 2048 x 512, a shared expert 3 x 2048 x 512 plus its gate 2048, router 2048 x 256.
  EXPECT_EQ(full.expert_params, 3LL * 2048 * 512);
  EXPECT_EQ(full.shared_expert_params, 3LL * 2048 * 512 + 2048);
  EXPECT_EQ(full.router_params, 2048LL * 256);
  int gdn_layers = 0;
  for (const auto& l : m.layers) gdn_layers += l.mixer == MixerKind::kGatedDeltaNet;
  EXPECT_EQ(gdn_layers, 30);
  EXPECT_EQ(StateBytesPerSequence(m), (s.ssm + s.conv) * 30.0);
  // KV grows only in the 10 full layers: 10 x 2048 B per token.
  EXPECT_EQ(KvBytesPerToken(m, DType::kBF16), Bytes{10.0 * 2048});
  // Qwen: 35B total, 3B active. Total 35.11B (+0.3%); active 3.45B with the embedding, 2.95B without:
  // the "A3B" rounds the latter (docs/models.md).
  EXPECT_LT(std::fabs(Ratio(TotalParams(m), 35e9) - 1), 0.01);
  EXPECT_NEAR(ActiveParams(m, false) / 1e9, 3.0, 0.06);
}

TEST(Golden2026, QwenThreeFiveOneTwoTwoBIsWithinOnePercentOfItsName) {
  const ModelSpec m = Preset("qwen3.5-122b-a10b");
  EXPECT_LT(std::fabs(Ratio(TotalParams(m), 122e9) - 1), 0.01);  // 122.56B
  // Active 9.77B with the embedding (the "A10B" rounds to whole billions, -2.3%; docs/models.md).
  EXPECT_NEAR(ActiveParams(m) / 1e9, 10.0, 0.25);
  // 64 value heads x 128 x 128 x 4 B = 4 MiB per linear layer per sequence.
  EXPECT_EQ(RecurrentStateOfLayer(m, FirstOf(m, MixerKind::kGatedDeltaNet)).ssm, Bytes{4.0 * 1024 * 1024});
}

// nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16: hidden 2688, pattern of 23 M, 6 *, 23 E blocks; Mamba-2 64 heads
// x 64, state 128, 8 groups, conv 4 with bias; attention 32 heads / 2 KV of 128; 128 ReLU^2 experts of 1856
// top-6, one shared of 3712.
TEST(Golden2026, NemotronHMambaTwoLayerAndStateByHand) {
  const ModelSpec m = Preset("nemotron-3-nano-30b-a3b");
  const LayerSpec& mamba = FirstOf(m, MixerKind::kMamba2);
  // d_inner 4096, conv_dim 4096 + 2*8*128 = 6144; in_proj 2688 x (4096 + 6144 + 64); conv 6144 x 4 + 6144;
  // A_log, D, dt_bias 3 x 64; norm 4096; out_proj 4096 x 2688.
  EXPECT_EQ(mamba.attention_params, 2688LL * 10304 + 6144 * 4 + 6144 + 192 + 4096 + 4096LL * 2688);
  EXPECT_EQ(KvElementsPerTokenOfLayer(m, mamba), 0);
  const RecurrentState s = RecurrentStateOfLayer(m, mamba);
  EXPECT_EQ(s.ssm, Bytes{64.0 * 64 * 128 * 4});  // 2 MiB
  EXPECT_EQ(s.ssm, Bytes{2.0 * 1024 * 1024});
  EXPECT_EQ(s.conv, Bytes{6144.0 * 3 * 2});  // 36 KiB
  EXPECT_EQ(MixerFlopsPerToken(m, mamba, 100000), Flops{5.0 * 64 * 64 * 128});

  const LayerSpec& attn = FirstOf(m, MixerKind::kAttention);
  EXPECT_EQ(attn.attention_params, 2688LL * 4096 + 2 * 2688LL * 256 + 4096LL * 2688);
  EXPECT_EQ(attn.num_experts, 0);  // one purpose per block
  const LayerSpec& moe = FirstOf(m, MixerKind::kNone);
  EXPECT_EQ(moe.expert_params, 2LL * 2688 * 1856);  // up + down, not gated
  EXPECT_EQ(moe.shared_expert_params, 2LL * 2688 * 3712);
  EXPECT_EQ(moe.router_params, 2688LL * 128 + 128);
  EXPECT_EQ(KvBytesPerToken(m, DType::kBF16), Bytes{6.0 * 2 * 2 * 128 * 2});
  // NVIDIA: 31.6B total, 3.2B active without embeddings (3.6B with).
  EXPECT_LT(std::fabs(Ratio(TotalParams(m), 31.6e9) - 1), 0.01);
  EXPECT_LT(std::fabs(Ratio(ActiveParams(m, false), 3.2e9) - 1), 0.01);
}

// deepseek-ai/DeepSeek-V3.2: DeepSeek-V3's MLA plus a lightning indexer per layer (64 heads x 128, top 2048).
TEST(Golden2026, DeepSeekSparseAttentionIndexerByHand) {
  const ModelSpec m = Preset("deepseek-v3.2");
  const LayerSpec& l = m.layers[0];
  ASSERT_TRUE(l.sparse_index);
  // Indexer weights: wq_b 1536 x 8192, wk 7168 x 128, k_norm 2 x 128, weights_proj 7168 x 64.
  const int64_t indexer = 1536LL * 8192 + 7168 * 128 + 256 + 7168 * 64;
  auto v3 = LoadPreset("deepseek-v3");
  ASSERT_TRUE(v3.ok());
  EXPECT_EQ(l.attention_params, v3->layers[0].attention_params + indexer);
  EXPECT_EQ(TotalParams(m), TotalParams(*v3) + 61 * indexer);
  // Cache per token per layer: latent 512 + 64 in BF16 (1152 B) plus the indexer key 128 FP8 + 4 B scale.
  EXPECT_EQ(IndexerBytesPerTokenOfLayer(m, l), Bytes{132});
  EXPECT_EQ(KvBytesPerToken(m, DType::kBF16), Bytes{61.0 * (576 * 2 + 132)});
  // Decode at 100k tokens reads 2048 latents and the indexer keys of all 100k.
  EXPECT_EQ(DecodeCacheBytesPerSequence(m, l, 100000, DType::kBF16), Bytes{2048.0 * 1152 + 100000.0 * 132});
  // Below top-k everything is read.
  EXPECT_EQ(DecodeCacheBytesPerSequence(m, l, 1000, DType::kBF16), Bytes{1000.0 * 1152 + 1000.0 * 132});
  // FLOPs: attention over 2048 tokens (2 x 128 heads x (192 + 128)) plus indexer scoring 2 x 64 x 128 per token.
  EXPECT_EQ(MixerFlopsPerToken(m, l, 100000), Flops{2.0 * 128 * 320 * 2048 + 2.0 * 64 * 128 * 100000});
  EXPECT_LT(std::fabs(Ratio(TotalParams(m), 671e9) - 1), 0.01);
  EXPECT_LT(std::fabs(Ratio(ActiveParams(m, false), 37e9) - 1), 0.02);  // 37.48B: +1.3%, the indexer
}

// nvidia/GLM-5.1-NVFP4 (glm_moe_dsa): 78 layers, MLA (q LoRA 2048, latent 512, nope 192 + rope 64, v 256,
// 64 heads), indexer 32 x 128 top 2048, layers 0-2 dense (mlp_layer_types), 256 experts of 2048 top-8.
TEST(Golden2026, GlmFiveOneDsaIsWithinOnePercentAndStoresNvfp4Experts) {
  const ModelSpec m = Preset("glm-5.1-nvfp4");
  EXPECT_EQ(m.layers[2].num_experts, 0);
  EXPECT_EQ(m.layers[3].num_experts, 256);
  const int64_t q = 6144LL * 2048 + 2048 + 2048LL * 64 * 256;
  const int64_t kv = 6144LL * 576 + 512 + 512LL * 64 * (192 + 256);
  const int64_t o = 64LL * 256 * 6144;
  const int64_t indexer = 2048LL * 32 * 128 + 6144 * 128 + 256 + 6144 * 32;
  EXPECT_EQ(m.layers[0].attention_params, q + kv + o + indexer);
  EXPECT_LT(std::fabs(Ratio(TotalParams(m), 744e9) - 1), 0.01);  // 743.9B
  EXPECT_LT(std::fabs(Ratio(ActiveParams(m), 40e9) - 1), 0.05);  // 41.8B; "~40B" (docs/models.md)
  const WeightBytes w = WeightBytesOf(m, NativeWeightPrecision(m));
  EXPECT_EQ(w.routed_experts, Bytes{static_cast<double>(m.params.routed_experts) * 0.5625});
  EXPECT_EQ(w.attention, Bytes{static_cast<double>(m.params.attention) * 2});
}

// MiniMaxAI/MiniMax-M2.5: 62 layers, hidden 3072, 48 heads / 8 KV of 128, per-layer q/k norms over the whole
// projection, 256 experts of 1536 top-8, FP8 blocks.
TEST(Golden2026, MiniMaxMTwoLayerByHand) {
  const ModelSpec m = Preset("minimax-m2.5");
  EXPECT_EQ(m.layers[0].attention_params, 2 * 3072LL * 6144 + 2 * 3072LL * 1024 + 6144 + 1024);
  EXPECT_EQ(m.layers[0].router_params, 3072LL * 256 + 256);
  EXPECT_EQ(m.native.linear, DType::kFP8);
  EXPECT_LT(std::fabs(Ratio(TotalParams(m), 230e9) - 1), 0.01);  // 228.7B
  // 10.4B without the embedding, 11.0B with: the "~10B" is the former rounded (docs/models.md).
  EXPECT_LT(std::fabs(Ratio(ActiveParams(m, false), 10e9) - 1), 0.05);
}

// google/gemma-4-26B-A4B: 25 sliding layers (8 KV heads x 256, window 1024) and 5 global layers (2 KV heads x
// 512, keys reused as values).
TEST(Golden2026, GemmaFourSlidingAndGlobalKvByHand) {
  const ModelSpec m = Preset("gemma-4-26b-a4b");
  const LayerSpec& sliding = m.layers[0];
  const LayerSpec& global = m.layers[5];
  EXPECT_EQ(sliding.attention, AttentionKind::kSliding);
  EXPECT_EQ(global.attention, AttentionKind::kFull);
  EXPECT_EQ(KvElementsPerTokenOfLayer(m, sliding), 2 * 8 * 256);
  EXPECT_EQ(KvElementsPerTokenOfLayer(m, global), 2 * 512);
  EXPECT_EQ(global.attention_params, 2816LL * 8192 + 2816LL * 1024 + 8192LL * 2816 + 1024);
  // At 100k tokens: 25 x 1024 x 8 KiB + 5 x 100k x 2 KiB.
  EXPECT_EQ(KvBytesPerSequence(m, 100000, DType::kBF16, true), Bytes{25.0 * 1024 * 8192 + 5.0 * 100000 * 2048});
  EXPECT_LT(std::fabs(Ratio(TotalParams(m) - m.params.vision, 25.2e9) - 1), 0.01);  // Google: 25.2B
  EXPECT_LT(std::fabs(Ratio(ActiveParams(m), 3.8e9) - 1), 0.01);                    // Google: 3.8B
}

// deepseek-ai/DeepSeek-V4-Flash, the conservative reading (docs/models.md): 43 layers, one 512-dim KV head,
// window 128, compress ratios 4 (with the indexer) and 128.
TEST(Golden2026, DeepSeekFourKeepsWindowPlusCompressedEntries) {
  const ModelSpec m = Preset("deepseek-v4-flash");
  const LayerSpec& plain = m.layers[0];
  const LayerSpec& r4 = m.layers[2];
  const LayerSpec& r128 = m.layers[3];
  EXPECT_EQ(KvEntriesOfLayer(plain, 100000, true), 128);
  EXPECT_EQ(KvEntriesOfLayer(r4, 100000, true), 128 + 25000);
  EXPECT_EQ(KvEntriesOfLayer(r128, 100000, true), 128 + 782);
  EXPECT_TRUE(r4.sparse_index);
  EXPECT_FALSE(r128.sparse_index);
  EXPECT_EQ(KvElementsPerTokenOfLayer(m, r4), 512);
  // Decode reads the window and the top 512 compressed entries, and scans 25000 indexer keys.
  EXPECT_EQ(DecodeCacheBytesPerSequence(m, r4, 100000, DType::kBF16), Bytes{(128.0 + 512) * 1024 + 25000.0 * 132});
  EXPECT_FALSE(m.limitations.empty());
  EXPECT_LT(std::fabs(Ratio(TotalParams(m), 284e9) - 1), 0.01);
  EXPECT_LT(std::fabs(Ratio(ActiveParams(m, false), 13e9) - 1), 0.02);
}

}  // namespace
}  // namespace capplan
