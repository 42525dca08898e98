#include <gtest/gtest.h>

#include <algorithm>

#include "memory/testutil.h"

namespace capplan {
namespace {

using testing::Gpu;
using testing::Model;

const FitConfig* Find(const std::vector<FitConfig>& rows, std::string_view gpu, std::string_view precision) {
  for (const auto& r : rows)
    if (r.gpu.id == gpu && r.precision.name == precision) return &r;
  return nullptr;
}

TEST(CandidatePrecisions, Fp8OnlyWithFp8UnitsAndNativeFirstForMixedCheckpoints) {
  auto names = [](const std::vector<PrecisionChoice>& v) {
    std::vector<std::string> out;
    for (const auto& c : v) out.push_back(c.name);
    return out;
  };
  EXPECT_EQ(names(CandidatePrecisions(Model("llama-4-scout"), Gpu("h100"))),
            (std::vector<std::string>{"bf16", "fp8", "int4"}));
  EXPECT_EQ(names(CandidatePrecisions(Model("llama-4-scout"), Gpu("a100"))),
            (std::vector<std::string>{"bf16", "int4"}));
  EXPECT_EQ(names(CandidatePrecisions(Model("llama-4-scout"), Gpu("b200"))),
            (std::vector<std::string>{"bf16", "fp8", "int4", "nvfp4"}));
  auto oss = CandidatePrecisions(Model("gpt-oss-120b"), Gpu("h100"));
  EXPECT_TRUE(oss[0].name.starts_with("native (")) << oss[0].name;
}

TEST(MinimumViableConfigurations, ScoutNeedsFourH100InBf16AndTwoInFp8) {
  const ModelSpec m = Model("llama-4-scout");
  auto rows = MinimumViableConfigurations(m, GpuCatalog::BuiltIn().All(), {.workload = {.context = 8192, .batch = 1}});
  const FitConfig* bf16 = Find(rows, "h100-sxm", "bf16");
  const FitConfig* fp8 = Find(rows, "h100-sxm", "fp8");
  ASSERT_NE(bf16, nullptr);
  ASSERT_NE(fp8, nullptr);
  EXPECT_EQ(bf16->gpus, 4);
  EXPECT_EQ(fp8->gpus, 2);
  EXPECT_TRUE(bf16->budget.fits);
  // 202.4 GiB of BF16 weights exceed one B200's 161.1 GiB; two hold them.
  EXPECT_EQ(Find(rows, "b200-hgx", "bf16")->gpus, 2);
  // Ordered by total TDP.
  EXPECT_TRUE(std::is_sorted(rows.begin(), rows.end(), [](const FitConfig& a, const FitConfig& b) {
    return a.gpus * a.gpu.tdp_watts < b.gpus * b.gpu.tdp_watts;
  }));
}

TEST(MinimumViableConfigurations, AWorkloadBeyondTheLargestCountIsLeftOut) {
  // DeepSeek-V3 in BF16 (1.25 TiB) does not fit 8 L4s.
  auto rows = MinimumViableConfigurations(Model("deepseek-v3"), {Gpu("l4")},
                                          {.workload = {.context = 8192, .batch = 1}, .max_gpus = 8});
  EXPECT_TRUE(rows.empty());
}

}  // namespace
}  // namespace capplan
