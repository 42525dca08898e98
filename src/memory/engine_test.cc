#include <gtest/gtest.h>

#include "capplan/deployment.h"

namespace capplan {
namespace {

GpuSpec Gpu(std::string_view id) { return *GpuCatalog::BuiltIn().Find(id); }

// docs/memory.md, "Engine defaults": the values data/engine/profiles.json holds, each with its source there.
TEST(DefaultEngineProfile, ProfilesComeFromTheDataFile) {
  const EngineProfile vllm = DefaultEngineProfile(Engine::kVllm);
  EXPECT_EQ(vllm.engine, Engine::kVllm);
  EXPECT_EQ(vllm.label, "vLLM");
  EXPECT_EQ(vllm.memory_fraction_flag, "--gpu-memory-utilization");
  EXPECT_DOUBLE_EQ(vllm.memory_fraction, 0.90);
  EXPECT_EQ(vllm.cuda_graph_bytes, GiB(0.75));
  EXPECT_EQ(vllm.runtime_overhead_bytes, GiB(1.0));
  EXPECT_EQ(vllm.max_num_batched_tokens, 8192);
  EXPECT_EQ(vllm.kv_block_tokens, 16);
  EXPECT_TRUE(vllm.per_layer_type_kv);
  EXPECT_EQ(vllm.default_max_num_seqs, 256);
  EXPECT_FALSE(vllm.fraction_of_free);
  EXPECT_FALSE(vllm.reserves_outside_fraction);

  const EngineProfile sglang = DefaultEngineProfile(Engine::kSglang);
  EXPECT_EQ(sglang.engine, Engine::kSglang);
  EXPECT_EQ(sglang.label, "SGLang");
  EXPECT_EQ(sglang.memory_fraction_flag, "--mem-fraction-static");
  EXPECT_DOUBLE_EQ(sglang.memory_fraction, 0.88);
  EXPECT_EQ(sglang.kv_block_tokens, 1);
  EXPECT_TRUE(sglang.reserves_outside_fraction);

  const EngineProfile trtllm = DefaultEngineProfile(Engine::kTrtllm);
  EXPECT_EQ(trtllm.engine, Engine::kTrtllm);
  EXPECT_EQ(trtllm.label, "TensorRT-LLM");
  EXPECT_EQ(trtllm.kv_block_tokens, 32);
  EXPECT_FALSE(trtllm.per_layer_type_kv);
  EXPECT_TRUE(trtllm.fraction_of_free);

  // vLLM's one page size pads recurrent state; SGLang and TensorRT-LLM keep state in pools of their own.
  EXPECT_TRUE(vllm.pads_recurrent_state_pages);
  EXPECT_FALSE(sglang.pads_recurrent_state_pages);
  EXPECT_FALSE(trtllm.pads_recurrent_state_pages);
}

// The engines' names and aliases are their profile rows' (data/engine/profiles.json, in the order of the enum).
TEST(ParseEngine, NamesAndAliasesComeFromTheProfileRows) {
  ASSERT_EQ(AllEngines().size(), static_cast<size_t>(kEngineCount));
  for (const Engine e : AllEngines()) {
    EXPECT_EQ(DefaultEngineProfile(e).engine, e);
    const auto back = ParseEngine(EngineName(e), "engine");
    ASSERT_TRUE(back.ok()) << EngineName(e);
    EXPECT_EQ(*back, e);
  }
  EXPECT_EQ(EngineName(Engine::kVllm), "vllm");
  EXPECT_EQ(EngineName(Engine::kSglang), "sglang");
  EXPECT_EQ(EngineName(Engine::kTrtllm), "trtllm");
  EXPECT_EQ(*ParseEngine("TensorRT-LLM", "engine"), Engine::kTrtllm);
  EXPECT_EQ(*ParseEngine("trt-llm", "engine"), Engine::kTrtllm);
  EXPECT_EQ(*ParseEngine("SGLang", "engine"), Engine::kSglang);
  const auto bad = ParseEngine("tgi", "request.engine");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "request.engine: unknown engine 'tgi' (expected vllm, sglang or trtllm)");
}

// vLLM EngineArgs._set_default_args: 1,024 on GPUs with >= 70 GiB except A100, else 256; the rule is the GPU
// rows' engine_defaults (data/hardware), not a GPU id in code.
TEST(EffectiveMaxNumSeqs, LargeGpusTakeTheirRowsEngineDefault) {
  const EngineProfile vllm = DefaultEngineProfile(Engine::kVllm);
  EXPECT_EQ(EffectiveMaxNumSeqs(vllm, Gpu("h100"), 0), 1024);
  EXPECT_EQ(EffectiveMaxNumSeqs(vllm, Gpu("mi300x"), 0), 1024);
  EXPECT_EQ(EffectiveMaxNumSeqs(vllm, Gpu("a100"), 0), 256);  // 80 GiB, but vLLM excludes A100
  EXPECT_EQ(EffectiveMaxNumSeqs(vllm, Gpu("l40s"), 0), 256);  // 48 GB
  EXPECT_EQ(EffectiveMaxNumSeqs(vllm, Gpu("h100"), 48), 48);  // --max-num-seqs wins
  EXPECT_EQ(EffectiveMaxNumSeqs(DefaultEngineProfile(Engine::kSglang), Gpu("h100"), 0), 256);
}

}  // namespace
}  // namespace capplan
