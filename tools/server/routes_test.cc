#include "routes.h"

#include <gtest/gtest.h>

#include "capplan/hardware.h"
#include "capplan/model.h"

namespace capplan::server {
namespace {

TEST(Routes, ErrorCodesMapToHttpStatuses) {
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kParse), 400);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnsupported), 422);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInfeasible), 422);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kResourceLimit), 413);
}

TEST(Routes, HealthSaysOk) {
  ApiResponse r = HandleHealth();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body["status"], "ok");
}

TEST(Routes, ModelsListsEveryPresetWithTotalAndActive) {
  ApiResponse r = HandleModels();
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.body["models"].size(), ListPresets().size());
  bool scout = false;
  for (const auto& m : r.body["models"]) {
    EXPECT_GT(m["params"]["total"].get<int64_t>(), 0);
    EXPECT_LE(m["params"]["active"].get<int64_t>(), m["params"]["total"].get<int64_t>());
    if (m["name"] == "llama-4-scout") {
      scout = true;
      EXPECT_NEAR(m["params"]["total"].get<double>() / 1e9, 109, 1.5);
      EXPECT_EQ(m["num_experts"], 16);
    }
  }
  EXPECT_TRUE(scout);
}

TEST(Routes, GpusListsTheCatalog) {
  ApiResponse r = HandleGpus();
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["gpus"].size(), GpuCatalog::BuiltIn().All().size());
  EXPECT_TRUE(r.body["gpus"][0].contains("memory_usable_bytes"));
}

TEST(Routes, ModelAnswersForAPreset) {
  ApiResponse r = HandleModel(R"({"preset": "llama-4-scout", "context": 8192})");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["name"], "llama-4-scout");
  // 48 layers x 8 KV heads x 128 x 2 (K and V) x 2 bytes = 192 KiB per token (domain primer, section 6).
  EXPECT_DOUBLE_EQ(r.body["kv_cache"]["bytes_per_token"].get<double>(), 192 * 1024.0);
}

// Issue 17: num_hidden_layers 1e8 in a config took 130 s and 9.9 GB; now a 400 naming the field, at once.
TEST(Routes, AConfigBeyondPhysicalLimitsIsRefusedNamingTheField) {
  ApiResponse r = HandleModel(
      R"({"config": {"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 100000000,
                     "num_attention_heads": 32, "num_key_value_heads": 8, "intermediate_size": 14336,
                     "vocab_size": 128256}})");
  EXPECT_EQ(r.status, 400) << r.body.dump();
  EXPECT_NE(r.body.dump().find("num_hidden_layers=100000000 exceeds the physical limit"), std::string::npos)
      << r.body.dump();
}

// Issue 16: the web shows the launch command for the configuration on screen, from /api/memory.
TEST(Routes, MemoryAnswersWithTheLaunchCommandsOfTheConfigurationAsked) {
  ApiResponse r = HandleMemory(
      R"({"model": {"preset": "llama-4-scout"}, "gpu": "h100", "gpus": 4, "weights": "bf16", "context": 8192,
          "batch": 16})");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  ASSERT_TRUE(r.body.contains("launch")) << r.body.dump();
  const std::string vllm = r.body["launch"]["vllm"].get<std::string>();
  EXPECT_NE(vllm.find("vllm serve meta-llama/Llama-4-Scout-17B-16E-Instruct --tensor-parallel-size 4"),
            std::string::npos)
      << vllm;
  EXPECT_NE(vllm.find("--max-model-len 8192 --max-num-seqs 16"), std::string::npos) << vllm;
  EXPECT_EQ(r.body["launch"]["commands"].size(), 3u);
}

TEST(Routes, ModelAnswersInSimpleMode) {
  ApiResponse r = HandleModel(
      R"({"simple": {"total_params": 109e9, "active_params": 17e9, "num_layers": 48, "num_kv_heads": 8,
                     "head_dim": 128, "num_experts": 16, "experts_per_token": 1}})");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["mode"], "simple");
  EXPECT_FALSE(r.body["limitations"].empty());
}

TEST(Routes, ModelRejectsMalformedJson) {
  ApiResponse r = HandleModel(R"({"preset": )");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["error"]["code"], "parse_error");
}

TEST(Routes, ModelRejectsWrongTypes) {
  ApiResponse r = HandleModel(R"({"preset": 7})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["error"]["field"], "preset");
  EXPECT_EQ(r.body["error"]["message"], "request: preset must be a string, got an integer");
}

TEST(Routes, ModelWithABadConfigShowsTheEnginesMessage) {
  ApiResponse r = HandleModel(R"({"config": {"model_type": "llama", "hidden_size": 4096}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["error"]["code"], "invalid_argument");
  EXPECT_TRUE(r.body["error"]["message"].get<std::string>().starts_with("config.json: ")) << r.body.dump();
  EXPECT_NE(r.body["error"]["field"], "");
}

TEST(Routes, ModelWithAnUnsupportedFamilyIs422) {
  ApiResponse r = HandleModel(R"({"config": {"model_type": "mamba"}})");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body["error"]["code"], "unsupported");
  EXPECT_EQ(r.body["error"]["field"], "model_type");
}

TEST(Routes, ModelUnknownPresetIs404) {
  ApiResponse r = HandleModel(R"({"preset": "gpt-5"})");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body["error"]["field"], "preset");
}

// Found by fuzz/api: a body with invalid UTF-8 is a parse error whose message quotes the bytes read, and dump() threw
// on them (the server answered 500 instead of 400).
TEST(Routes, InvalidUtf8EchoedInAnErrorIsReplacedNotThrown) {
  ApiResponse r = HandleModel("{\"preset\": \"llama-4-scou\x81\", \"context\": 8192}");
  EXPECT_EQ(r.status, 400);
  std::string text;
  ASSERT_NO_THROW(text = ResponseText(r));
  EXPECT_NE(text.find("\xEF\xBF\xBD"), std::string::npos) << text;  // U+FFFD
}

TEST(Routes, MemoryScoutBf16FitsFourH100) {
  ApiResponse r = HandleMemory(R"({"model": {"preset": "llama-4-scout"}, "gpu": "h100", "gpus": 4,
                                   "weights": "bf16", "context": 8192, "batch": 16})");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["fits"], true);
  EXPECT_GE(r.body["max_concurrent_sequences"].get<int>(), 16);
  EXPECT_EQ(r.body["layout"]["total_gpus"], 4);
  EXPECT_EQ(r.body["layout"]["auto"], true);
  EXPECT_EQ(r.body["gpu"], "h100-sxm");
  EXPECT_EQ(r.body["gpu_memory_usable_bytes"].get<double>(), MiB(81559).v);
  const auto& g = r.body["per_gpu"];
  // vLLM: capacity = weights + activations + overhead + KV pool; the pool = the workload's KV + free.
  double fixed =
      g["weights_bytes"].get<double>() + g["activation_bytes"].get<double>() + g["overhead_bytes"].get<double>();
  EXPECT_NEAR((fixed + g["kv_cache_bytes"].get<double>()) / g["capacity_bytes"].get<double>(), 1.0, 1e-9);
  EXPECT_NEAR(
      (g["kv_cache_needed_bytes"].get<double>() + g["free_bytes"].get<double>()) / g["kv_cache_bytes"].get<double>(),
      1.0, 1e-9);
}

TEST(Routes, MemoryScoutBf16DoesNotFitOneH100AndSaysWhy) {
  ApiResponse r =
      HandleMemory(R"({"model": {"preset": "llama-4-scout"}, "gpu": "h100", "gpus": 1, "weights": "bf16"})");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["fits"], false);
  EXPECT_NE(r.body["reason"], "");
}

TEST(Routes, MemoryChangesWithTheGpu) {
  ApiResponse h100 = HandleMemory(R"({"model": {"preset": "llama-4-scout"}, "gpu": "h100", "gpus": 4})");
  ApiResponse h200 = HandleMemory(R"({"model": {"preset": "llama-4-scout"}, "gpu": "h200", "gpus": 4})");
  ASSERT_EQ(h100.status, 200);
  ASSERT_EQ(h200.status, 200);
  EXPECT_GT(h200.body["per_gpu"]["capacity_bytes"].get<double>(), h100.body["per_gpu"]["capacity_bytes"].get<double>());
}

TEST(Routes, MemoryRejectsMalformedWrongTypedAndOutOfRange) {
  EXPECT_EQ(HandleMemory("not json").status, 400);
  EXPECT_EQ(HandleMemory("[]").status, 400);
  ApiResponse wrong = HandleMemory(R"({"model": {"preset": "llama-4-scout"}, "gpus": true})");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(wrong.body["error"]["field"], "gpus");
  ApiResponse range = HandleMemory(R"({"model": {"preset": "llama-4-scout"}, "gpus": 100000})");
  EXPECT_EQ(range.status, 400);
  EXPECT_EQ(range.body["error"]["message"], "request: gpus=100000 must be between 1 and 4096");
  ApiResponse gpu = HandleMemory(R"({"model": {"preset": "llama-4-scout"}, "gpu": "tpu-v5"})");
  EXPECT_EQ(gpu.status, 404);
  EXPECT_EQ(gpu.body["error"]["field"], "gpu");
}

TEST(Routes, MemoryIgnoringActiveKeepsTheWeights) {
  ApiResponse moe =
      HandleMemory(R"({"model": {"preset": "llama-4-scout"}, "gpu": "h100", "gpus": 4, "weights": "bf16"})");
  ApiResponse dense = HandleMemory(
      R"({"model": {"preset": "llama-4-scout", "ignore_active": true}, "gpu": "h100", "gpus": 4, "weights": "bf16"})");
  ASSERT_EQ(moe.status, 200);
  ASSERT_EQ(dense.status, 200) << dense.body.dump();
  EXPECT_NEAR(dense.body["per_gpu"]["weights_bytes"].get<double>() / moe.body["per_gpu"]["weights_bytes"].get<double>(),
              1.0, 0.03);
}

}  // namespace
}  // namespace capplan::server
