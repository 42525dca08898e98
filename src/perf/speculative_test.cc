// Speculative decoding arithmetic by hand, with a fake step model whose cost is known: 10 ms
// fixed (the weights read) plus 0.01 ms per token (compute).
#include "perf/speculative.h"

#include <gtest/gtest.h>

#include "capplan/perf.h"

namespace capplan {
namespace {

class LinearStepModel : public StepTimeModel {
 public:
  LinearStepModel(double fixed, double per_token) : fixed_(fixed), per_token_(per_token) {}
  Seconds StepTime(const BatchShape& s) const override {
    return Seconds{fixed_ + per_token_ * static_cast<double>(s.TotalTokens())};
  }

 private:
  double fixed_, per_token_;
};

TEST(Speculative, ExpectedTokensAreTheAcceptanceChain) {
  // K = 3, a = 0.8, 0.6, 0.5: 1 + 0.8 + 0.48 + 0.24 = 2.52 tokens per step.
  EXPECT_NEAR(ExpectedTokensPerStep({.method = SpecMethod::kEagle, .tokens = 3, .acceptance = {0.8, 0.6, 0.5}}), 2.52,
              1e-12);
  // MTP-1 with the DeepSeek default: 1.83.
  auto mtp = ResolveSpec({.method = SpecMethod::kMtp, .tokens = 1, .acceptance = {}});
  ASSERT_TRUE(mtp.ok());
  EXPECT_NEAR(ExpectedTokensPerStep(*mtp), 1.83, 1e-12);
}

TEST(Speculative, TheDefaultAcceptanceComesFromTheDataFileWithItsSource) {
  auto d = FindDefaultAcceptance(SpecMethod::kMtp, 1);
  ASSERT_TRUE(d.has_value());
  ASSERT_EQ(d->acceptance.size(), 1u);
  EXPECT_DOUBLE_EQ(d->acceptance[0], 0.83);
  EXPECT_NE(d->source.find("vLLM"), std::string::npos) << d->source;
  // No published measurement for EAGLE with 3 drafted tokens: no default, and ResolveSpec asks for rates.
  EXPECT_FALSE(FindDefaultAcceptance(SpecMethod::kEagle, 3).has_value());
  EXPECT_EQ(ResolveSpec({.method = SpecMethod::kEagle, .tokens = 3, .acceptance = {}}).error().field,
            "spec-acceptance");
}

TEST(Speculative, TheSimulatorsStepModelPricesDecodesPerEmittedToken) {
  const LinearStepModel target(0.010, 0.00001);  // 10 ms + 10 us per token
  const LinearStepModel draft(0.001, 0.000001);  // 1 ms + 1 us per token
  const SpeculativeStepTimeModel m(target, draft, {.method = SpecMethod::kMtp, .tokens = 1, .acceptance = {0.83}});
  // 8 decodes: verify 16 tokens 10.16 ms + draft 1.008 ms = 11.168 ms for 1.83 tokens: 6.1027 ms per token.
  EXPECT_NEAR(m.StepTime(DecodeShape(8, 1000)).v, 0.011168 / 1.83, 1e-12);
  // With a 100-token prefill chunk in the step: the chunk alone costs 11 ms; verify + chunk 116 tokens 11.16 ms,
  // + draft 1.008 ms: 11 ms + (12.168 - 11) ms / 1.83.
  BatchShape mixed = DecodeShape(8, 1000);
  mixed.prefill_sequences = 1;
  mixed.prefill_tokens = 100;
  EXPECT_NEAR(m.StepTime(mixed).v, 0.011 + (0.012168 - 0.011) / 1.83, 1e-12);
  // A prefill-only step is the target's.
  EXPECT_NEAR(m.StepTime(PrefillShape(100, 0)).v, 0.011, 1e-12);
}

TEST(Speculative, PaysAtSmallBatchesAndStopsAtLargeOnes) {
  const LinearStepModel target(0.010, 0.00001);  // 10 ms + 10 us per token
  const LinearStepModel draft(0.001, 0.000001);  // an MTP layer: 1 ms + 1 us per token
  const SpecConfig c{.method = SpecMethod::kMtp, .tokens = 1, .acceptance = {0.83}};
  // Batch 8: verify 10 ms + 16 x 10 us = 10.16 ms, draft 1.008 ms: 11.168 ms for 1.83 tokens =
  // 6.103 ms per token against a plain 10.08 ms step: 1.65x.
  const SpecStep small = SpeculativeStep(target, draft, c, 8, 1000);
  EXPECT_NEAR(small.verify.v, 0.01016, 1e-12);
  EXPECT_NEAR(small.tpot.v, 0.011168 / 1.83, 1e-12);
  EXPECT_GT(small.speedup, 1.6);
  // Batch 4,096: verify 10 + 81.92 ms, draft 5.096 ms: 97.016 / 1.83 = 53.0 ms against a plain
  // 50.96 ms: speculation costs more than it saves.
  const SpecStep large = SpeculativeStep(target, draft, c, 4096, 1000);
  EXPECT_NEAR(large.tpot.v, 0.097016 / 1.83, 1e-9);
  EXPECT_LT(large.speedup, 1.0);
  EXPECT_EQ(large.extra_kv_tokens_per_sequence, 1);
}

TEST(Speculative, VerifyShapeReadsTheContextOnceForKPlusOneTokens) {
  const BatchShape s = VerifyShape(4, 1000, 2);
  EXPECT_EQ(s.prefill_tokens, 12);
  EXPECT_EQ(s.prefill_cached_tokens, 4000);
  EXPECT_DOUBLE_EQ(s.prefill_attention_pairs, 4 * 3 * (1000 + 2.0));
}

TEST(Speculative, BadFlagsNameTheField) {
  EXPECT_EQ(ResolveSpec({.method = SpecMethod::kEagle, .tokens = 2, .acceptance = {0.7}}).error().message,
            "--spec-acceptance needs one rate per drafted position: 2 for --spec-tokens=2, got 1");
  EXPECT_EQ(ResolveSpec({.method = SpecMethod::kMtp, .tokens = 0, .acceptance = {}}).error().field, "spec-tokens");
  EXPECT_EQ(ResolveSpec({.method = SpecMethod::kDraft, .tokens = 1, .acceptance = {1.5}}).error().field,
            "spec-acceptance");
  EXPECT_EQ(ParseSpecMethod("medusa", "--spec").error().message, "--spec='medusa' is not mtp, eagle or draft");
}

}  // namespace
}  // namespace capplan
