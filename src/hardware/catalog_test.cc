#include <gtest/gtest.h>

#include "capplan/hardware.h"

namespace capplan {
namespace {

const GpuSpec& Gpu(std::string_view id) {
  static std::map<std::string, GpuSpec, std::less<>> cache;
  auto it = cache.find(id);
  if (it == cache.end()) it = cache.emplace(std::string(id), *GpuCatalog::BuiltIn().Find(id)).first;
  return it->second;
}

TEST(GpuCatalog, BuiltInHoldsEveryCsvRow) {
  // 17 rows in shared/catalog/gpus.csv, plus GB300 (gen_gpus.py EXTRA_ROWS, with its source).
  EXPECT_EQ(GpuCatalog::BuiltIn().All().size(), 18u);
  for (const auto& g : GpuCatalog::BuiltIn().All()) {
    EXPECT_FALSE(g.source.empty()) << g.id;
    EXPECT_FALSE(g.memory_usable_source.empty()) << g.id;
    EXPECT_GT(g.memory_usable.v, 0) << g.id;
    EXPECT_GE(g.gpus_per_node, 1) << g.id;
  }
}

TEST(GpuCatalog, UsableMemoryMatchesNvidiaSmi) {
  EXPECT_EQ(Gpu("h100-sxm").memory_usable, MiB(81559));
  EXPECT_EQ(Gpu("h200").memory_usable, MiB(143771));
  EXPECT_EQ(Gpu("b200").memory_usable, GiB(179));
  EXPECT_EQ(Gpu("h100").memory_marketed, GB(80));
}

TEST(GpuCatalog, AliasesAndCaseResolveToTheId) {
  EXPECT_EQ(Gpu("H100").id, "h100-sxm");
  EXPECT_EQ(Gpu("gb200").id, "gb200-gpu");
  EXPECT_EQ(Gpu("a100").id, "a100-80gb-sxm");
  EXPECT_EQ(Gpu("MI300X").id, "mi300x");
}

TEST(GpuCatalog, ScaleUpDomainsAndTheGb300) {
  // NVL72 racks join 72 GPUs on NVLink; HGX boards 8.
  EXPECT_EQ(Gpu("gb200").scale_up_domain, 72);
  EXPECT_EQ(Gpu("gb300-nvl72").scale_up_domain, 72);
  EXPECT_EQ(Gpu("b300").scale_up_domain, 8);
  EXPECT_EQ(Gpu("h200").scale_up_domain, 8);
  const GpuSpec& g = Gpu("gb300");
  EXPECT_EQ(g.id, "gb300-gpu");
  EXPECT_EQ(g.memory_marketed, GB(288));
  EXPECT_EQ(g.scale_up_bandwidth, GBps(900));
  EXPECT_EQ(g.scale_out_bandwidth, GBps(100));  // ConnectX-8, 800 Gb/s per GPU
  EXPECT_EQ(PeakFlops(g, ComputeClass::kFP4), TFlopsPerSec(15000));
  // A user file may set the domain; zero or negative is an error naming the field.
  GpuCatalog c = GpuCatalog::BuiltIn();
  EXPECT_TRUE(c.Merge(R"([{"id": "h200-sxm", "scale_up_domain_gpus": 16}])", "my.json").ok());
  EXPECT_EQ(c.Find("h200")->scale_up_domain, 16);
  Status bad = c.Merge(R"([{"id": "h200-sxm", "scale_up_domain_gpus": 0}])", "my.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("scale_up_domain_gpus"), std::string::npos) << bad.error().message;
}

TEST(GpuCatalog, NodeFacts) {
  EXPECT_EQ(Gpu("h100").gpus_per_node, 8);
  EXPECT_EQ(Gpu("h100").scale_out_bandwidth, GBps(50));  // 400 Gb/s NDR per GPU
  EXPECT_EQ(Gpu("h100").scale_up_bandwidth, GBps(450));
  EXPECT_EQ(Gpu("h100").pcie_bandwidth, GBps(64));  // gen5 x16
  EXPECT_EQ(Gpu("gb200").gpus_per_node, 72);
  EXPECT_EQ(Gpu("l40s").scale_up_bandwidth, BytesPerSec{});
  EXPECT_EQ(Gpu("l40s").pcie_bandwidth, GBps(32));  // gen4 x16
}

TEST(GpuCatalog, UnknownGpuListsTheKnownIds) {
  auto r = GpuCatalog::BuiltIn().Find("h300");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(r.error().message.starts_with("--gpu: unknown GPU 'h300' (known: a100-40gb-sxm, a100-80gb-sxm, h100-sxm"))
      << r.error().message;
}

TEST(PeakFlops, FallsBackToTheNextWiderClass) {
  EXPECT_EQ(PeakFlops(Gpu("h100"), ComputeClass::kFP8), TFlopsPerSec(1979));
  EXPECT_EQ(PeakFlops(Gpu("h100"), ComputeClass::kFP4), TFlopsPerSec(1979));  // no FP4 units: FP8
  EXPECT_EQ(PeakFlops(Gpu("a100"), ComputeClass::kFP8), TFlopsPerSec(312));   // no FP8 units: BF16
  EXPECT_EQ(PeakFlops(Gpu("b200"), ComputeClass::kFP4), TFlopsPerSec(9000));
  EXPECT_TRUE(HasNativeCompute(Gpu("h100"), ComputeClass::kFP8));
  EXPECT_FALSE(HasNativeCompute(Gpu("a100"), ComputeClass::kFP8));
  EXPECT_FALSE(HasNativeCompute(Gpu("rtx-5090"), ComputeClass::kBF16));  // not recorded in the csv
}

TEST(GpuCatalog, MergeOverridesFieldsOfAnExistingGpu) {
  GpuCatalog c = GpuCatalog::BuiltIn();
  ASSERT_TRUE(c.Merge(R"([{"id": "H100-SXM", "memory_usable_gib": 79, "gpus_per_node": 4}])", "mine.json").ok());
  auto g = *c.Find("h100");
  EXPECT_EQ(g.memory_usable, GiB(79));
  EXPECT_EQ(g.gpus_per_node, 4);
  EXPECT_EQ(g.hbm_bandwidth, TBps(3.35));  // untouched
}

TEST(GpuCatalog, MergeByAliasOverridesTheAliasedGpu) {
  GpuCatalog c = GpuCatalog::BuiltIn();
  ASSERT_TRUE(c.Merge(R"([{"id": "h100", "memory_usable_gib": 78}])", "mine.json").ok());
  EXPECT_EQ(c.All().size(), GpuCatalog::BuiltIn().All().size());
  EXPECT_EQ(c.Find("h100-sxm")->memory_usable, GiB(78));
}

TEST(GpuCatalog, MergeAddsANewGpu) {
  GpuCatalog c = GpuCatalog::BuiltIn();
  ASSERT_TRUE(c.Merge(R"({"gpus": [{"id": "x1", "aliases": ["xone"], "memory_marketed_gb": 100,
                           "hbm_bandwidth_tb_per_s": 4, "dense_peak_tflops": {"bf16": 1000}}]})",
                      "mine.json")
                  .ok());
  auto g = *c.Find("xone");
  EXPECT_EQ(g.memory_usable, GB(100));
  EXPECT_EQ(g.memory_usable_source, "mine.json: marketed capacity (no driver reserve known)");
  EXPECT_EQ(g.source, "mine.json");
}

// Issue 17: an edited GPU with zero bandwidth printed "TPOT inf s"; zero FLOPS divided the compute time the same way.
TEST(GpuCatalog, ZeroBandwidthOrFlopsIsRefusedNamingTheField) {
  GpuCatalog c = GpuCatalog::BuiltIn();
  auto bw = c.Merge(R"([{"id": "h100", "hbm_bandwidth_tb_per_s": 0}])", "mine.json");
  ASSERT_FALSE(bw.ok());
  EXPECT_EQ(bw.error().message, "mine.json: gpu 'h100': hbm_bandwidth_tb_per_s must be positive");
  auto flops = c.Merge(R"([{"id": "h100", "dense_peak_tflops": {"bf16": 0}}])", "mine.json");
  ASSERT_FALSE(flops.ok());
  EXPECT_EQ(flops.error().field, "dense_peak_tflops.bf16");
  EXPECT_EQ(flops.error().message,
            "mine.json: gpu 'h100': dense_peak_tflops.bf16 must be positive (leave the class out if the GPU has no "
            "such peak)");
}

TEST(GpuCatalog, MergeErrorsNameFileGpuAndField) {
  GpuCatalog c = GpuCatalog::BuiltIn();
  auto bad = c.Merge(R"([{"id": "h100-sxm", "hbm_bandwidth_tb_per_s": -1}])", "mine.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "mine.json: gpu 'h100-sxm': hbm_bandwidth_tb_per_s must be a non-negative number");
  EXPECT_EQ(bad.error().field, "hbm_bandwidth_tb_per_s");
  EXPECT_EQ(c.Find("h100")->hbm_bandwidth, TBps(3.35));  // unchanged after a failed merge

  auto missing = c.Merge(R"([{"id": "x2", "memory_marketed_gb": 10}])", "mine.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "mine.json: gpu 'x2': hbm_bandwidth_tb_per_s is required for a new GPU");

  auto unknown = c.Merge(R"([{"id": "h100", "hbm_bw": 3}])", "mine.json");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "mine.json: gpu 'h100': hbm_bw is not a known GPU field");

  auto cls = c.Merge(R"([{"id": "h100", "dense_peak_tflops": {"fp6": 3}}])", "mine.json");
  ASSERT_FALSE(cls.ok());
  EXPECT_EQ(cls.error().message,
            "mine.json: gpu 'h100': dense_peak_tflops.fp6 is not a compute class (expected bf16, fp8, int8 or fp4)");

  auto no_id = c.Merge(R"([{"name": "x"}])", "mine.json");
  ASSERT_FALSE(no_id.ok());
  EXPECT_EQ(no_id.error().message, "mine.json: entry 0: id is required (a short name such as \"h100-sxm\")");

  auto syntax = GpuCatalog::FromJson("[{", "mine.json");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.error().message, "mine.json: not valid JSON");
}

}  // namespace
}  // namespace capplan

namespace capplan {
namespace {

TEST(GpuCatalog, RowsCarryPerfFamilyFp4FormatAndEngineDefaults) {
  EXPECT_EQ(Gpu("h100").perf_family, "hopper");
  EXPECT_EQ(Gpu("mi355x").fp4_format, DType::kMXFP4);
  EXPECT_EQ(Gpu("b200").fp4_format, DType::kNVFP4);
  EXPECT_EQ(Gpu("h200").engine_defaults.at("vllm").max_num_seqs, 1024);
  EXPECT_TRUE(Gpu("a100").engine_defaults.empty());
  // The measurement files' spellings are aliases.
  EXPECT_EQ(GpuCatalog::BuiltIn().Find("H100-SXM-80GB")->id, "h100-sxm");
  EXPECT_EQ(GpuCatalog::BuiltIn().Find("b200_sxm")->id, "b200-hgx");
}

TEST(GpuCatalog, NewFieldsAreCheckedWithTheFileAndField) {
  const std::string base = R"([{"id": "x1", "memory_usable_gib": 80, "hbm_bandwidth_tb_per_s": 3, )";
  auto bad_fp4 = GpuCatalog::FromJson(base + R"("fp4_format": "int4"}])", "mine.json");
  ASSERT_FALSE(bad_fp4.ok());
  EXPECT_EQ(bad_fp4.error().message, "mine.json: gpu 'x1': fp4_format must be \"nvfp4\" or \"mxfp4\"");
  auto bad_default = GpuCatalog::FromJson(base + R"("engine_defaults": {"vllm": {"max_num_seqs": 0}}}])", "mine.json");
  ASSERT_FALSE(bad_default.ok());
  EXPECT_EQ(bad_default.error().message,
            "mine.json: gpu 'x1': engine_defaults.vllm.max_num_seqs must be a positive integer");
  auto unknown = GpuCatalog::FromJson(base + R"("engine_defaults": {"vllm": {"block": 4}}}])", "mine.json");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "mine.json: gpu 'x1': engine_defaults.vllm.block is not a known engine default");
}

}  // namespace
}  // namespace capplan

namespace capplan {
namespace {

TEST(GpuCatalog, TheDefaultGpuIsData) {
  EXPECT_EQ(GpuCatalog::BuiltIn().DefaultId(), "h100-sxm");
  EXPECT_TRUE(GpuCatalog::BuiltIn().Find(GpuCatalog::BuiltIn().DefaultId()).ok());
}

}  // namespace
}  // namespace capplan
