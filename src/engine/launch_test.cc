// Launch commands: the checkpoint each format is served from, each engine's flags, and the notes that say what a
// user must do before a command starts what it describes (issue 16: an NVFP4 plan printed the BF16 repository).
#include "capplan/launch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace capplan {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Deployment Deploy(Engine e, WeightPrecision w, int tp, int ep = 1) {
  Deployment d;
  d.gpu = *GpuCatalog::BuiltIn().Find("h100");
  d.parallel = Parallelism{.tp = tp, .ep = ep};
  d.weights = w;
  d.engine = DefaultEngineProfile(e);
  return d;
}

LaunchCommand Write(Engine e, const std::string& hf, WeightPrecision w, int tp = 4, int ep = 1) {
  auto c =
      WriteLaunchCommand({.hf_id = hf, .deployment = Deploy(e, w, tp, ep), .max_model_len = 2048, .max_num_seqs = 64});
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  return c.ok() ? *c : LaunchCommand{};
}

std::string AllNotes(const LaunchCommand& c) {
  std::string s;
  for (const auto& n : c.notes) s += n + "\n";
  return s;
}

constexpr const char* kScout = "meta-llama/Llama-4-Scout-17B-16E-Instruct";

TEST(CheckpointCatalog, LoadsAndFindsByBaseOrRepo) {
  ASSERT_FALSE(CheckpointCatalog().empty());
  const Checkpoint* c = FindCheckpoint(kScout, "nvfp4");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->repo, "nvidia/Llama-4-Scout-17B-16E-Instruct-FP4");
  EXPECT_NE(FindCheckpoint("deepseek-ai/DeepSeek-V3", "fp8"), nullptr);  // native FP8: the repo finds itself
  EXPECT_EQ(FindCheckpoint(kScout, "mxfp4"), nullptr);
}

TEST(Launch, Nvfp4ServesThePreQuantizedRepositoryNotTheBf16One) {
  const auto c = Write(Engine::kVllm, kScout, UniformWeightPrecision(DType::kNVFP4));
  EXPECT_THAT(c.command, HasSubstr("vllm serve nvidia/Llama-4-Scout-17B-16E-Instruct-FP4 "));
  EXPECT_THAT(c.command, Not(HasSubstr("--quantization")));  // the checkpoint's own config says NVFP4
  EXPECT_EQ(c.checkpoint, "nvidia/Llama-4-Scout-17B-16E-Instruct-FP4");
}

TEST(Launch, Fp8WithoutCheckpointIsQuantizedOnLoadByVllmAndSglangButNotTrtllm) {
  const std::string hf = "mistralai/Mixtral-8x7B-v0.1";
  const auto v = Write(Engine::kVllm, hf, UniformWeightPrecision(DType::kFP8));
  EXPECT_THAT(v.command, HasSubstr("vllm serve mistralai/Mixtral-8x7B-v0.1 "));
  EXPECT_THAT(v.command, HasSubstr("--quantization fp8"));
  const auto s = Write(Engine::kSglang, hf, UniformWeightPrecision(DType::kFP8));
  EXPECT_THAT(s.command, HasSubstr("--quantization fp8"));
  const auto t = Write(Engine::kTrtllm, hf, UniformWeightPrecision(DType::kFP8));
  EXPECT_THAT(t.command, HasSubstr("trtllm-serve <fp8-checkpoint-of-mistralai/Mixtral-8x7B-v0.1>"));
  EXPECT_THAT(AllNotes(t), HasSubstr("quantize it to FP8 first"));
}

TEST(Launch, Int4WithoutCheckpointSaysQuantizeFirst) {
  const auto c = Write(Engine::kVllm, "Qwen/Qwen3-8B", UniformWeightPrecision(DType::kINT4), 1);
  EXPECT_THAT(c.command, HasSubstr("vllm serve <int4-checkpoint-of-Qwen/Qwen3-8B>"));
  EXPECT_THAT(AllNotes(c), HasSubstr("quantize it to INT4 first"));
}

TEST(Launch, UnknownRepositoryIsAPlaceholderNotAConfigPath) {
  const auto c = Write(Engine::kVllm, "", UniformWeightPrecision(DType::kBF16), 1);
  EXPECT_THAT(c.command, HasSubstr("vllm serve <model-repo-or-dir> "));
  EXPECT_THAT(AllNotes(c), HasSubstr("--hf-id"));
}

TEST(Launch, EachEngineUsesItsOwnMemoryFractionAndFlags) {
  const WeightPrecision bf16 = UniformWeightPrecision(DType::kBF16);
  const auto v = Write(Engine::kVllm, kScout, bf16);
  EXPECT_THAT(v.command, HasSubstr("--tensor-parallel-size 4"));
  EXPECT_THAT(v.command, HasSubstr("--max-model-len 2048 --max-num-seqs 64"));
  EXPECT_THAT(v.command, HasSubstr("--gpu-memory-utilization 0.90"));
  const auto s = Write(Engine::kSglang, kScout, bf16);
  EXPECT_THAT(s.command, HasSubstr("python -m sglang.launch_server --model-path " + std::string(kScout) + " --tp 4"));
  EXPECT_THAT(s.command, HasSubstr("--context-length 2048 --max-running-requests 64"));
  EXPECT_THAT(s.command, HasSubstr("--mem-fraction-static 0.88"));
  const auto t = Write(Engine::kTrtllm, kScout, bf16);
  EXPECT_THAT(t.command, HasSubstr("trtllm-serve " + std::string(kScout) + " --backend pytorch --tp_size 4"));
  EXPECT_THAT(t.command, HasSubstr("--max_seq_len 2048 --max_batch_size 64"));
  EXPECT_THAT(t.command, HasSubstr("--extra_llm_api_options capplan-llm-api.yml"));
  EXPECT_THAT(t.options_file, HasSubstr("kv_cache_config:"));
  EXPECT_THAT(t.options_file, HasSubstr("max_batch_size: 64"));
}

TEST(Launch, WriteForAnotherEngineTakesThatEnginesProfile) {
  LaunchRequest r{.hf_id = kScout,
                  .deployment = Deploy(Engine::kVllm, UniformWeightPrecision(DType::kBF16), 4),
                  .max_model_len = 4096,
                  .max_num_seqs = 8};
  auto s = WriteLaunchCommandFor(Engine::kSglang, r);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->engine, Engine::kSglang);
  EXPECT_THAT(s->command, HasSubstr("--mem-fraction-static 0.88"));  // not vLLM's 0.90
}

// Every engine has a writer (registry.cc): the all-engines list starts with the deployment's own engine and then
// names each other engine once, each command its own engine's.
TEST(Launch, EveryEngineHasAWriterOwnEngineFirst) {
  LaunchRequest r{.hf_id = kScout,
                  .deployment = Deploy(Engine::kSglang, UniformWeightPrecision(DType::kBF16), 4),
                  .max_model_len = 4096,
                  .max_num_seqs = 8};
  auto all = WriteLaunchCommandsAllEngines(r);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), AllEngines().size());
  EXPECT_EQ(all->front().engine, Engine::kSglang);
  for (const Engine e : AllEngines()) {
    const auto n = std::count_if(all->begin(), all->end(), [e](const LaunchCommand& c) { return c.engine == e; });
    EXPECT_EQ(n, 1) << EngineName(e);
  }
  for (const auto& c : *all) EXPECT_FALSE(c.command.empty()) << EngineName(c.engine);
}

TEST(Launch, KvFp8AndExpertParallelFlags) {
  Deployment d = Deploy(Engine::kVllm, UniformWeightPrecision(DType::kBF16), 8, 4);
  d.kv_dtype = DType::kFP8;
  LaunchRequest r{.hf_id = kScout, .deployment = d, .max_model_len = 2048, .max_num_seqs = 16};
  auto v = WriteLaunchCommandFor(Engine::kVllm, r);
  auto s = WriteLaunchCommandFor(Engine::kSglang, r);
  auto t = WriteLaunchCommandFor(Engine::kTrtllm, r);
  ASSERT_TRUE(v.ok() && s.ok() && t.ok());
  EXPECT_THAT(v->command, HasSubstr("--enable-expert-parallel"));
  EXPECT_THAT(v->command, HasSubstr("--kv-cache-dtype fp8"));
  EXPECT_THAT(AllNotes(*v), HasSubstr("EP = TP"));  // vLLM cannot run EP 4 inside TP 8
  EXPECT_THAT(s->command, HasSubstr("--ep-size 4"));
  EXPECT_THAT(s->command, HasSubstr("--kv-cache-dtype fp8_e4m3"));
  EXPECT_THAT(t->command, HasSubstr("--ep_size 4"));
  EXPECT_THAT(t->options_file, HasSubstr("dtype: fp8"));
}

TEST(Launch, ExactVllmLineForScoutFp8OnFourH100) {
  Deployment d = Deploy(Engine::kVllm, UniformWeightPrecision(DType::kFP8), 4, 4);
  d.kv_dtype = DType::kFP8;
  auto c = WriteLaunchCommand({.hf_id = kScout, .deployment = d, .max_model_len = 2048, .max_num_seqs = 128});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->command,
            "vllm serve RedHatAI/Llama-4-Scout-17B-16E-Instruct-FP8-dynamic --tensor-parallel-size 4 "
            "--enable-expert-parallel --max-model-len 2048 --max-num-seqs 128 --kv-cache-dtype fp8 "
            "--gpu-memory-utilization 0.90");
}

TEST(Launch, RepositoryFromPresetOrConfig) {
  EXPECT_EQ(PresetRepository("llama-4-scout"), kScout);
  EXPECT_EQ(PresetRepository("no-such-preset"), "");
  EXPECT_EQ(ConfigRepository(R"({"_name_or_path": "Qwen/Qwen3-8B"})"), "Qwen/Qwen3-8B");
  EXPECT_EQ(ConfigRepository(R"({"_name_or_path": "/home/me/ckpt/qwen"})"), "");
  EXPECT_EQ(ConfigRepository(R"({"_name_or_path": 3})"), "");
  EXPECT_EQ(ConfigRepository("not json"), "");
}

TEST(Launch, AttentionDataParallelFlagsPerEngine) {
  // DeepSeek-style wide EP on 8 GPUs: TP 1 x DP-attention 8, EP 8; 1024 running sequences, 128 per rank.
  Deployment d = Deploy(Engine::kVllm, UniformWeightPrecision(DType::kFP8), 1, 8);
  d.parallel.dp_attention = 8;
  LaunchRequest r{.hf_id = "deepseek-ai/DeepSeek-V3", .deployment = d, .max_model_len = 4096, .max_num_seqs = 1024};
  auto v = WriteLaunchCommandFor(Engine::kVllm, r);
  auto s = WriteLaunchCommandFor(Engine::kSglang, r);
  auto t = WriteLaunchCommandFor(Engine::kTrtllm, r);
  ASSERT_TRUE(v.ok() && s.ok() && t.ok());
  EXPECT_THAT(v->command, HasSubstr("--tensor-parallel-size 1 --data-parallel-size 8 --enable-expert-parallel"));
  EXPECT_THAT(v->command, HasSubstr("--max-num-seqs 128"));
  EXPECT_THAT(AllNotes(*v), Not(HasSubstr("EP = TP")));  // EP 8 = TP 1 x DP 8: vLLM's own layout
  EXPECT_THAT(s->command, HasSubstr("--tp 8 --dp 8 --enable-dp-attention"));
  EXPECT_THAT(s->command, HasSubstr("--ep-size 8"));
  EXPECT_THAT(t->command, HasSubstr("--tp_size 8"));
  EXPECT_THAT(t->command, HasSubstr("--max_batch_size 128"));
  EXPECT_THAT(t->options_file, HasSubstr("enable_attention_dp: true"));
}

TEST(Launch, BadBoundsNameTheField) {
  LaunchRequest r{.hf_id = kScout,
                  .deployment = Deploy(Engine::kVllm, UniformWeightPrecision(DType::kBF16), 1),
                  .max_model_len = 0,
                  .max_num_seqs = 1};
  auto c = WriteLaunchCommand(r);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().field, "max_model_len");
  r.max_model_len = 10;
  r.max_num_seqs = 0;
  c = WriteLaunchCommand(r);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().field, "max_num_seqs");
}

}  // namespace
}  // namespace capplan
