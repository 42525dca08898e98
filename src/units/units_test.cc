#include "capplan/units.h"

#include <gtest/gtest.h>

#include "capplan/dtype.h"

namespace capplan {
namespace {

TEST(Units, GiBAndGBAreDifferentByDesign) {
  // The primer's example: 109B parameters x 2 bytes = 218 GB = 203 GiB.
  const Bytes scout = GB(218);
  EXPECT_NEAR(ToGiB(scout), 203.03, 0.01);
  EXPECT_EQ(FormatBytes(scout), "203.0 GiB");
}

TEST(Units, CrossUnitDivisionGivesSeconds) {
  const Seconds t = GB(3.35e3) / TBps(3.35);
  EXPECT_DOUBLE_EQ(t.v, 1.0);
  const Seconds c = Flops{989e12} / TFlopsPerSec(989);
  EXPECT_DOUBLE_EQ(c.v, 1.0);
}

TEST(Units, FormatsPickReadableScales) {
  EXPECT_EQ(FormatSeconds(Seconds{0.0123}), "12.3 ms");
  EXPECT_EQ(FormatSeconds(Seconds{2.5e-5}), "25.0 us");
  EXPECT_EQ(FormatSeconds(Seconds{1.5}), "1.50 s");
  EXPECT_EQ(FormatBytes(KiB(192)), "192.0 KiB");
  EXPECT_EQ(FormatBandwidth(TBps(3.35)), "3.35 TB/s");
  EXPECT_EQ(FormatCount(109e9), "109.00B");
  EXPECT_EQ(FormatDollars(Dollars{1234567.891}), "$1,234,567.89");
  EXPECT_EQ(FormatDollars(Dollars{0.5}), "$0.50");
}

TEST(DType, FourBitFormatsCarryTheirScaleOverhead) {
  EXPECT_DOUBLE_EQ(BytesPerElement(DType::kBF16), 2.0);
  EXPECT_DOUBLE_EQ(BytesPerElement(DType::kMXFP4), 0.53125);
  EXPECT_DOUBLE_EQ(BytesPerElement(DType::kNVFP4), 0.5625);
  EXPECT_DOUBLE_EQ(BytesPerElement(DType::kINT4), 0.515625);
}

TEST(DType, ParseNamesTheFieldOnError) {
  EXPECT_EQ(*ParseDType("BF16", "--weights"), DType::kBF16);
  EXPECT_EQ(*ParseDType("fp8_e4m3", "--weights"), DType::kFP8);
  auto bad = ParseDType("fp7", "--kv-dtype");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message,
            "--kv-dtype: unknown data type 'fp7' (expected one of bf16, fp16, fp8, int8, int4, mxfp4, nvfp4)");
  EXPECT_EQ(bad.error().field, "--kv-dtype");
}

}  // namespace
}  // namespace capplan
