#include <gtest/gtest.h>

#include <limits>

#include "capplan/model.h"

namespace capplan {
namespace {

// Scout's numbers as an MoE calculator takes them.
SimpleModelInput ScoutLike() {
  return {.total_params = 109e9,
          .active_params = 17e9,
          .num_layers = 48,
          .num_kv_heads = 8,
          .head_dim = 128,
          .num_experts = 16,
          .experts_per_token = 1,
          .hidden_size = std::nullopt,
          .vocab_size = std::nullopt};
}

TEST(SimpleMode, ReproducesActiveExactlyAndTotalWithinOneExpertSlice) {
  auto m = BuildSimpleModel(ScoutLike());
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->mode, InputMode::kSimple);
  EXPECT_EQ(ActiveParams(*m), 17'000'000'000);
  // Idle experts per layer share total - active: at most 48 x 15 weights are lost to rounding.
  EXPECT_LE(109'000'000'000 - TotalParams(*m), 48 * 15);
  EXPECT_GE(109'000'000'000 - TotalParams(*m), 0);
  EXPECT_EQ(KvBytesPerToken(*m, DType::kBF16), KiB(192));  // same layers, KV heads and head dim as Scout
  EXPECT_FALSE(m->limitations.empty());
}

TEST(SimpleMode, EstimatesAPlausibleHiddenSize) {
  SimpleModelInput in;
  in.active_params = 8.03e9;
  in.num_layers = 32;
  in.num_kv_heads = 8;
  in.head_dim = 128;
  auto m = BuildSimpleModel(in);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->hidden_size % 128, 0);
  EXPECT_GE(m->hidden_size, 3584);  // Llama 3.1 8B has 4096
  EXPECT_LE(m->hidden_size, 4608);
  EXPECT_EQ(TotalParams(*m), 8'030'000'000);
}

TEST(SimpleMode, WithoutTotalAnMoeIsSizedAsIfActiveWereTotalAndSaysSo) {
  SimpleModelInput in = ScoutLike();
  in.total_params.reset();
  auto m = BuildSimpleModel(in);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(TotalParams(*m), 17'000'000'000);
  EXPECT_NE(m->limitations.back().find("total parameters not given"), std::string::npos);
}

TEST(SimpleMode, InconsistentInputsAreNamed) {
  SimpleModelInput in = ScoutLike();
  in.experts_per_token = 17;
  EXPECT_EQ(BuildSimpleModel(in).error().message, "simple input: experts_per_token=17 exceeds num_experts=16");
  in = ScoutLike();
  in.total_params = 10e9;
  EXPECT_EQ(BuildSimpleModel(in).error().message,
            "simple input: total_params=10000000000 is smaller than active_params=17000000000");
  in = ScoutLike();
  in.num_layers = 0;
  EXPECT_EQ(BuildSimpleModel(in).error().message, "simple input: num_layers must be positive");
  in = ScoutLike();
  in.active_params = 1e6;  // (109B - 1M) / (48 x 15) per expert: one per layer is far more than 1M
  EXPECT_EQ(
      BuildSimpleModel(in).error().message.rfind("simple input: active_params=1000000 cannot hold 1 active experts", 0),
      0u);
  in = ScoutLike();
  in.num_experts = in.experts_per_token = 0;
  in.total_params.reset();
  in.active_params = 1e6;  // a dense model: the 128K x 128 embeddings alone exceed 1M
  EXPECT_EQ(BuildSimpleModel(in).error().message.rfind("simple input: active_params=1000000 is too small", 0), 0u);
}

TEST(SimpleMode, LargeExpertsLeaveTheHiddenSizeToTheRestOfTheActiveParameters) {
  // 200B total, 17B active, 16 experts top-1 over 48 layers: each expert holds (200 - 17)B / (48 x 15) = 254M,
  // so one active expert per layer is 12.2B of the 17B; the hidden size comes from the remaining 4.8B.
  SimpleModelInput in{.total_params = 200e9,
                      .active_params = 17e9,
                      .num_layers = 48,
                      .num_kv_heads = 8,
                      .head_dim = 128,
                      .num_experts = 16,
                      .experts_per_token = 1,
                      .hidden_size = {},
                      .vocab_size = {}};
  auto m = BuildSimpleModel(in);
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_NEAR(static_cast<double>(TotalParams(*m)), 200e9, 48.0 * 15);
  EXPECT_EQ(ActiveParams(*m, true), 17'000'000'000);
  EXPECT_EQ(m->layers[0].expert_params, (200'000'000'000 - 17'000'000'000) / (48 * 15));
}

TEST(SimpleMode, ActiveExpertsBeyondTheActiveTotalIsAnError) {
  // 1T total, 17B active, 16 experts top-1 over 48 layers: one expert is 1.36B, 48 of them 65B > 17B.
  SimpleModelInput in{.total_params = 1e12,
                      .active_params = 17e9,
                      .num_layers = 48,
                      .num_kv_heads = 8,
                      .head_dim = 128,
                      .num_experts = 16,
                      .experts_per_token = 1,
                      .hidden_size = {},
                      .vocab_size = {}};
  auto m = BuildSimpleModel(in);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().field, "active_params");
  EXPECT_EQ(m.error().message,
            "simple input: active_params=17000000000 cannot hold 1 active experts per layer of 1365277777 parameters "
            "each (total - active spread over 48 layers x 15 idle experts); check total_params and num_experts");
}

// Found by fuzz/simple_mode: hidden 2^31-1 with 2^31-1 KV heads of 2^31-1 overflowed int64 in the attention
// parameter count (undefined behaviour); such inputs are now refused with the limit they exceed.
TEST(SimpleMode, RefusesSizesBeyondTheLimitsInsteadOfOverflowing) {
  SimpleModelInput in = ScoutLike();
  in.hidden_size = std::numeric_limits<int>::max();
  in.num_kv_heads = std::numeric_limits<int>::max();
  in.head_dim = std::numeric_limits<int>::max();
  EXPECT_EQ(BuildSimpleModel(in).error().message, "simple input: num_kv_heads=2147483647 exceeds the limit of 4096");
  in = ScoutLike();
  in.active_params = 1e15;
  in.total_params = 2e15;
  EXPECT_EQ(BuildSimpleModel(in).error().message,
            "simple input: active_params=1000000000000000 exceeds the limit of 10000000000000");
  in = ScoutLike();
  in.total_params = std::numeric_limits<double>::infinity();
  EXPECT_EQ(BuildSimpleModel(in).error().message, "simple input: total_params=inf exceeds the limit of 10000000000000");
  in = ScoutLike();
  in.num_layers = 1 << 30;
  EXPECT_EQ(BuildSimpleModel(in).error().field, "num_layers");
  in = ScoutLike();
  in.hidden_size = 1 << 21;
  EXPECT_EQ(BuildSimpleModel(in).error().message, "simple input: hidden_size=2097152 exceeds the limit of 1048576");
}

}  // namespace
}  // namespace capplan
