#include <gtest/gtest.h>

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
  EXPECT_EQ(embedded::models().size(), ListPresets().size());
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
