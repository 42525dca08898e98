// Memory of the hybrid families (recurrent state + KV) in the budget, with the engine's rule for
// state pages (docs/models.md, "Engine rule for state pages"). Hand arithmetic in each comment.
#include <gtest/gtest.h>

#include "memory/testutil.h"

namespace capplan {
namespace {

using testing::Budget;
using testing::Deploy;
using testing::Model;

const WeightPrecision kBf16 = UniformWeightPrecision(DType::kBF16);

// The same weights with every layer full attention: what the pool would hold without Gated DeltaNet.
ModelSpec AllFullAttention(ModelSpec m) {
  for (auto& l : m.layers) l.mixer = MixerKind::kAttention;
  m.gated_delta_net.reset();
  return m;
}

// Qwen3.5-122B-A10B on 4 x H200 (TP 4), vLLM, BF16 KV, 262,144 tokens. Per GPU: 16 of 64 value heads:
// state 16 x 128 x 128 x 4 B = 1 MiB + conv (2 x 4 x 128 + 16 x 128) x 3 x 2 B = 18 KiB = 1,067,008 B;
// KV per token of a full layer 1 KV head x 256 x 2 (K, V) x 2 B = 1,024 B. vLLM's page rule: attention
// block 16 x ceil(1,067,008 / 16,384) = 1,056 tokens, state page 1,056 x 1,024 B = 1,081,344 B.
// Per sequence: 12 full layers x ceil(262,144 / 1,056) = 249 blocks x 1,056 x 1,024 B = 3,231,449,088 B of KV
// and 36 state pages = 38,928,384 B of state.
TEST(HybridMemory, QwenThreeFiveStateAndKvSplitOnFourH200) {
  const ModelSpec m = Model("qwen3.5-122b-a10b");
  const Deployment d = Deploy(m, "h200", 4, kBf16);
  ASSERT_EQ(d.parallel.tp, 4);
  const MemoryBudget b = Budget(m, d, 262144, 1);
  EXPECT_TRUE(b.fits) << b.reason;
  EXPECT_EQ(b.state_bytes_per_sequence, Bytes{36.0 * 1056 * 1024});
  EXPECT_EQ(b.kv_bytes_per_sequence - b.state_bytes_per_sequence, Bytes{12.0 * 249 * 1056 * 1024});
  // State is constant in context: the same at 8k tokens.
  EXPECT_EQ(Budget(m, d, 8192, 1).state_bytes_per_sequence, b.state_bytes_per_sequence);
  // SGLang keeps states unpadded in their own pool.
  const MemoryBudget s = Budget(m, Deploy(m, "h200", 4, kBf16, Engine::kSglang), 262144, 1);
  EXPECT_EQ(s.state_bytes_per_sequence, Bytes{36.0 * 1067008});
}

// At long context the hybrid model holds four times the sequences of the same weights with
// every layer full attention: 12 of 48 layers grow with context (3.04 GiB + 37 MiB per sequence
// against 48 x 262,144 x 1 KiB = 12 GiB). The pool is the same (same weights).
TEST(HybridMemory, QwenThreeFiveHoldsAboutFourTimesTheSequencesOfAFullAttentionTwin) {
  const ModelSpec hybrid = Model("qwen3.5-122b-a10b");
  const ModelSpec full = AllFullAttention(hybrid);
  const MemoryBudget h = Budget(hybrid, Deploy(hybrid, "h200", 4, kBf16), 262144, 1);
  const MemoryBudget f = Budget(full, Deploy(full, "h200", 4, kBf16), 262144, 1);
  ASSERT_EQ(h.kv_cache, f.kv_cache);
  EXPECT_EQ(f.kv_bytes_per_sequence, Bytes{48.0 * 16384 * 16 * 1024});  // 262,144 = 16,384 blocks of 16
  EXPECT_EQ(f.state_bytes_per_sequence, Bytes{});
  // The pool (64.9 GiB per GPU) holds floor(64.9 / 3.05) = 21 hybrid sequences against floor(64.9 / 12) = 5.
  EXPECT_GT(h.kv_cache, GiB(64));
  EXPECT_LT(h.kv_cache, GiB(65));
  EXPECT_EQ(h.max_concurrent_sequences, 21);
  EXPECT_EQ(f.max_concurrent_sequences, 5);
}

// Nemotron 3 Nano (23 Mamba-2, 6 attention layers) on one H100: Mamba state 2 MiB + 36 KiB per layer; the
// attention page of 2 KV heads x 128 x 2 x 2 B = 1 KiB per token gives 16 x ceil(2,134,016 / 16,384) = 2,096
// -token blocks; 23 state pages of 2,096 KiB.
TEST(HybridMemory, NemotronHMambaStatePagesFollowVllmsRule) {
  const ModelSpec m = Model("nemotron-3-nano-30b-a3b");
  const MemoryBudget b = Budget(m, Deploy(m, "h100", 1, kBf16), 8192, 1);
  EXPECT_EQ(b.state_bytes_per_sequence, Bytes{23.0 * 2096 * 1024});
  EXPECT_EQ(b.kv_bytes_per_sequence - b.state_bytes_per_sequence, Bytes{6.0 * 2096 * 4 * 1024});  // 4 blocks
}

}  // namespace
}  // namespace capplan
