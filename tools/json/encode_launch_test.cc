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

TEST(EncodeLaunch, DisaggregatedLaunchesListEveryProcessAndAggregatedOnesNone) {
  Deployment d;
  d.gpu = *GpuCatalog::BuiltIn().Find("h200");
  d.weights = UniformWeightPrecision(DType::kFP8);
  d.engine = DefaultEngineProfile(Engine::kSglang);
  d.parallel.tp = 8;
  d.parallel.replicas = 2;  // decode workers
  Deployment prefill = d;
  prefill.parallel.replicas = 1;
  auto cmds = WriteLaunchCommandsAllEngines({.hf_id = "deepseek-ai/DeepSeek-V3",
                                             .deployment = d,
                                             .max_model_len = 9216,
                                             .max_num_seqs = 64,
                                             .disagg = DisaggLaunch{.prefill = prefill, .prefill_max_num_seqs = 8}});
  ASSERT_TRUE(cmds.ok()) << cmds.error().message;
  const nlohmann::json j = EncodeLaunchCommands(*cmds);
  const nlohmann::json& procs = j["commands"][0]["processes"];
  ASSERT_EQ(procs.size(), 3u);
  EXPECT_EQ(procs[0]["role"], "prefill");
  EXPECT_EQ(procs[1]["role"], "decode");
  EXPECT_EQ(procs[1]["instances"], 2);
  EXPECT_EQ(procs[2]["role"], "router");
  EXPECT_EQ(j["sglang"], procs[0]["command"]);  // the one-line key keeps the first process
  auto agg = WriteLaunchCommandsAllEngines(
      {.hf_id = "deepseek-ai/DeepSeek-V3", .deployment = d, .max_model_len = 9216, .max_num_seqs = 64});
  ASSERT_TRUE(agg.ok());
  EXPECT_FALSE(EncodeLaunchCommands(*agg)["commands"][0].contains("processes"));
}

}  // namespace
}  // namespace capplan::json
