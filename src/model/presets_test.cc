#include <gtest/gtest.h>

#include <set>

#include "capplan/embedded.h"
#include "capplan/model.h"

namespace capplan {
namespace {

TEST(Presets, EveryListedPresetLoadsAndEveryEmbeddedFileIsListed) {
  for (const auto& p : ListPresets()) {
    auto m = LoadPreset(p.name);
    ASSERT_TRUE(m.ok()) << p.name << ": " << m.error().message;
    EXPECT_EQ(m->name, p.name);
    EXPECT_EQ(m->source, "preset:" + p.name);
    EXPECT_GT(TotalParams(*m), 0);
  }
  size_t sidecars = 0;  // NAME.hf_quant_config.json files belong to preset NAME
  for (const EmbeddedFile& f : embedded::models()) {
    if (!f.name.ends_with(".hf_quant_config.json")) continue;
    ++sidecars;
    const std::string preset(f.name.substr(0, f.name.size() - std::string_view(".hf_quant_config.json").size()));
    EXPECT_TRUE(ResolvePresetName(preset).has_value()) << f.name;
  }
  EXPECT_EQ(embedded::models().size(), ListPresets().size() + sidecars);
}

TEST(Presets, AliasesResolveToTheirPresetCaseInsensitively) {
  EXPECT_EQ(ResolvePresetName("maverick"), "llama-4-maverick");
  EXPECT_EQ(ResolvePresetName("Scout"), "llama-4-scout");
  EXPECT_EQ(ResolvePresetName("dsv3"), "deepseek-v3");
  EXPECT_EQ(ResolvePresetName("r1"), "deepseek-r1");
  EXPECT_EQ(ResolvePresetName("qwen3.5"), "qwen3.5-122b-a10b");
  EXPECT_EQ(ResolvePresetName("llama-5"), std::nullopt);
  auto m = LoadModel("maverick");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->name, "llama-4-maverick");
  EXPECT_EQ(m->source, "preset:llama-4-maverick");
}

TEST(Presets, NoAliasIsClaimedTwiceOrShadowsAPresetName) {
  std::set<std::string> seen;
  for (const auto& p : ListPresets()) EXPECT_TRUE(seen.insert(p.name).second) << p.name;
  for (const auto& p : ListPresets())
    for (const auto& a : p.aliases) EXPECT_TRUE(seen.insert(a).second) << a << " (alias of " << p.name << ")";
}

// NVIDIA's GLM-5.1-NVFP4 ships hf_quant_config.json beside config.json: NVFP4 routed experts, attention and
// shared experts excluded (BF16), KV cache FP8 (kv_cache_quant_algo).
TEST(Presets, ModelOptSidecarSetsExpertPrecisionAndKvScheme) {
  auto m = LoadPreset("glm-5.1-nvfp4");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->native.routed_experts, DType::kNVFP4);
  EXPECT_EQ(m->native.linear, std::nullopt);
  EXPECT_EQ(m->native_kv, DType::kFP8);
  EXPECT_EQ(m->native_kv_source, "data/models/glm-5.1-nvfp4.hf_quant_config.json kv_cache_quant_algo=FP8");
  auto by_path = LoadModel(std::string(CAPPLAN_SOURCE_DIR) + "/data/models/glm-5.1-nvfp4.json");
  ASSERT_TRUE(by_path.ok()) << by_path.error().message;
  EXPECT_EQ(by_path->native_kv, DType::kFP8);
  EXPECT_EQ(by_path->native.routed_experts, DType::kNVFP4);
  EXPECT_EQ(by_path->native_kv_source, std::string(CAPPLAN_SOURCE_DIR) +
                                           "/data/models/glm-5.1-nvfp4.hf_quant_config.json kv_cache_quant_algo=FP8");
}

TEST(Presets, LoadModelTakesAPresetNameOrAPath) {
  auto by_name = LoadModel("mixtral-8x7b");
  ASSERT_TRUE(by_name.ok());
  auto by_path = LoadModel(std::string(CAPPLAN_SOURCE_DIR) + "/data/models/mixtral-8x7b.json");
  ASSERT_TRUE(by_path.ok()) << by_path.error().message;
  EXPECT_EQ(by_path->params, by_name->params);
  EXPECT_EQ(by_path->source, std::string(CAPPLAN_SOURCE_DIR) + "/data/models/mixtral-8x7b.json");
}

TEST(Presets, UnknownNamesAndMissingFilesAreNamedInTheError) {
  auto missing = LoadModel("no/such/config.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "no/such/config.json: cannot open file");
  auto unknown = LoadModel("llama-5");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().message.rfind("unknown model preset 'llama-5' (presets: llama-4-scout, ", 0), 0u)
      << unknown.error().message;
}

}  // namespace
}  // namespace capplan

namespace capplan {
namespace {

TEST(HasMoeLayers, IsTheOneMoeTest) {
  EXPECT_FALSE(HasMoeLayers(*LoadPreset("llama-3.1-8b")));
  EXPECT_TRUE(HasMoeLayers(*LoadPreset("qwen3-30b-a3b")));
  EXPECT_TRUE(HasMoeLayers(*LoadPreset("llama-4-maverick")));  // MoE on every other layer
}

}  // namespace
}  // namespace capplan
