#include "encode.h"

#include <gtest/gtest.h>

#include "encode_budget.h"

namespace capplan::json {
namespace {

TEST(EncodeError, HasCodeMessageAndField) {
  nlohmann::json j = EncodeError(Error::NotFound("--gpu: unknown GPU 'x'", "gpu"));
  EXPECT_EQ(
      j, (nlohmann::json{{"error", {{"code", "not_found"}, {"message", "--gpu: unknown GPU 'x'"}, {"field", "gpu"}}}}));
}

TEST(EncodeModel, CarriesTheCliKeysAndTheLibrarysNumbers) {
  ModelSpec m = LoadPreset("llama-4-scout").value();
  nlohmann::json j = EncodeModel(m, 8192);
  EXPECT_EQ(j["params"]["total"].get<int64_t>(), TotalParams(m));
  EXPECT_EQ(j["params"]["active"].get<int64_t>(), ActiveParams(m, true));
  EXPECT_EQ(j["params"]["active_without_embedding"].get<int64_t>(), ActiveParams(m, false));
  EXPECT_EQ(j["params"]["components"]["routed_experts"].get<int64_t>(), m.params.routed_experts);
  EXPECT_EQ(j["kv_cache"]["bytes_per_token"].get<double>(), KvBytesPerToken(m, DType::kBF16).v);
  EXPECT_EQ(j["kv_cache"]["bytes_per_sequence"].get<double>(), KvBytesPerSequence(m, 8192, DType::kBF16, true).v);
  EXPECT_EQ(j["architecture"]["num_experts"], 16);
  EXPECT_EQ(j["architecture"]["experts_per_token"], 1);
  EXPECT_EQ(j["mode"], "config");
  EXPECT_DOUBLE_EQ(j["weights_bytes"]["bf16"].get<double>(),
                   WeightBytesOf(m, UniformWeightPrecision(DType::kBF16)).Total().v);
}

TEST(BudgetJson, PerGpuKeysCarryTheUnit) {
  MemoryBudget b;
  b.weights_total = GiB(50);
  b.kv_cache = GiB(10);
  b.activations = GiB(2);
  b.overhead = GiB(3);
  b.capacity = GiB(70);
  b.free = GiB(5);
  b.fits = true;
  b.max_concurrent_sequences = 16;
  b.warnings.push_back({"low_headroom", "5.0 GiB free"});
  b.weights.routed_experts = GiB(40);
  b.context = 4096;
  nlohmann::json j = BudgetJson(b);
  EXPECT_EQ(j["per_gpu"]["weights_bytes"].get<double>(), GiB(50).v);
  EXPECT_EQ(j["per_gpu"]["kv_cache_bytes"].get<double>(), GiB(10).v);
  EXPECT_EQ(j["per_gpu"]["activation_bytes"].get<double>(), GiB(2).v);
  EXPECT_EQ(j["per_gpu"]["overhead_bytes"].get<double>(), GiB(3).v);
  EXPECT_EQ(j["per_gpu"]["capacity_bytes"].get<double>(), GiB(70).v);
  EXPECT_EQ(j["per_gpu"]["free_bytes"].get<double>(), GiB(5).v);
  EXPECT_EQ(j["per_gpu"]["weights_by_component_bytes"]["routed_experts"].get<double>(), GiB(40).v);
  EXPECT_EQ(j["fits"], true);
  EXPECT_EQ(j["max_concurrent_sequences"], 16);
  EXPECT_EQ(j["context_tokens"], 4096);
  EXPECT_EQ(j["warnings"][0]["code"], "low_headroom");
}

TEST(EncodeGpu, UsableMemoryInBytes) {
  GpuSpec g = GpuCatalog::BuiltIn().Find("h100").value();
  nlohmann::json j = EncodeGpu(g);
  EXPECT_EQ(j["id"], "h100-sxm");
  EXPECT_EQ(j["memory_usable_bytes"].get<double>(), MiB(81559).v);  // the driver's 81,559 MiB
  EXPECT_TRUE(j["dense_peak_flops_per_second"].contains("bf16"));
}

}  // namespace
}  // namespace capplan::json
