// The step-time cache of a confirming simulation: the same answers as the model it wraps, each shape computed once.
#include <gtest/gtest.h>

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

TEST(CachedStepTimeModel, AnswersAsTheModelAndComputesEachShapeOnce) {
  const CountingModel inner;
  const plan_internal::CachedStepTimeModel cached(inner);
  const BatchShape a = DecodeShape(8, 1000), b = DecodeShape(8, 1001), c = PrefillShape(512, 0);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(cached.StepTime(a), inner.StepTime(a));
    EXPECT_EQ(cached.StepTime(b), inner.StepTime(b));  // a different context is a different shape
    EXPECT_EQ(cached.StepTime(c), inner.StepTime(c));
  }
  EXPECT_EQ(cached.misses(), 3);
  EXPECT_EQ(cached.hits(), 6);
  EXPECT_EQ(inner.calls, 3 + 9);  // three computed for the cache, nine asked directly by the test
}

}  // namespace
}  // namespace capplan
