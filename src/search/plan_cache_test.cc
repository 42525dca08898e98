// The step-time cache of a confirming simulation: the same answers as the model it wraps, each shape computed once.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "capplan/perf.h"
#include "search/plan_internal.h"

namespace capplan {
namespace {

class CountingModel final : public StepTimeModel {
 public:
  Seconds StepTime(const BatchShape& s) const override {
    ++calls;
    return Seconds{0.001 * static_cast<double>(s.TotalTokens()) + 1e-9 * static_cast<double>(s.decode_context_tokens)};
  }
  mutable int calls = 0;
};

TEST(CachedStepTimeModel, AnswersAsTheModelAtTheBinnedContextAndComputesEachShapeOnce) {
  const CountingModel inner;
  const plan_internal::CachedStepTimeModel cached(inner);
  // 8 x 1000 = 8,000 context tokens: bins of 8 tokens (8,000 / 512 = 15.6, the power of two below is 8), so 8,000
  // and 8,007 share the bin [8000, 8008) priced at 8,004; 8,008 is the next bin. A prefill has no decode context.
  const BatchShape a = DecodeShape(8, 1000), c = PrefillShape(512, 0);
  BatchShape same_bin = a, next_bin = a;
  same_bin.decode_context_tokens = 8007;
  next_bin.decode_context_tokens = 8008;
  BatchShape centre = a;
  centre.decode_context_tokens = 8004;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(cached.StepTime(a), inner.StepTime(centre));
    EXPECT_EQ(cached.StepTime(same_bin), inner.StepTime(centre));
    EXPECT_NE(cached.StepTime(next_bin), cached.StepTime(a));
    EXPECT_EQ(cached.StepTime(c), inner.StepTime(c));
  }
  EXPECT_EQ(cached.misses(), 3);     // a's bin, next_bin's, the prefill
  EXPECT_EQ(cached.hits(), 15 - 3);  // five lookups a round (next_bin and a twice in EXPECT_NE), three rounds
}

TEST(CachedStepTimeModel, BinsAreAtMostA512thOfTheContext) {
  EXPECT_EQ(plan_internal::CachedStepTimeModel::BinnedContext(5), 4);  // [0, 8): width 8 at least
  EXPECT_EQ(plan_internal::CachedStepTimeModel::BinnedContext(1'000'000),
            999'424 + 512);  // width 1,024: bin [999,424, 1,000,448)
  for (int64_t t : {100, 8'000, 123'457, 3'660'000, 80'000'000}) {
    const double off = std::fabs(static_cast<double>(plan_internal::CachedStepTimeModel::BinnedContext(t) - t));
    EXPECT_LE(off, std::max(4.0, static_cast<double>(t) / 1024.0)) << t;  // half a bin
  }
}

}  // namespace
}  // namespace capplan
