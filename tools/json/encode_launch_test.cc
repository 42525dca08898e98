#include "encode_launch.h"

#include <gtest/gtest.h>

namespace capplan::json {
namespace {

TEST(EncodeLaunch, KeysPerEngineWithTheDeploymentsEngineFirst) {
  Deployment d;
  d.gpu = *GpuCatalog::BuiltIn().Find("h100");
  d.weights = UniformWeightPrecision(DType::kBF16);
  d.engine = DefaultEngineProfile(Engine::kTrtllm);
  auto cmds = WriteLaunchCommandsAllEngines(
      {.hf_id = "Qwen/Qwen3-8B", .deployment = d, .max_model_len = 4096, .max_num_seqs = 32});
  ASSERT_TRUE(cmds.ok());
  const nlohmann::json j = EncodeLaunchCommands(*cmds);
  EXPECT_EQ(j["engine"], "trtllm");
  ASSERT_EQ(j["commands"].size(), 3u);
  EXPECT_EQ(j["commands"][0]["engine"], "trtllm");
  EXPECT_NE(j["commands"][0]["options_file"].get<std::string>().find("kv_cache_config"), std::string::npos);
  EXPECT_EQ(j["vllm"].get<std::string>().rfind("vllm serve Qwen/Qwen3-8B", 0), 0u);
  EXPECT_EQ(j["sglang"].get<std::string>().rfind("python -m sglang.launch_server", 0), 0u);
  EXPECT_EQ(j["trtllm"].get<std::string>().rfind("trtllm-serve Qwen/Qwen3-8B", 0), 0u);
}

}  // namespace
}  // namespace capplan::json
