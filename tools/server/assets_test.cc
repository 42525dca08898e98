#include "assets.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace capplan::server {
namespace {

TEST(Assets, ContentTypesByExtension) {
  EXPECT_EQ(ContentTypeFor("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("assets/app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("assets/app.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("x.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("blob"), "application/octet-stream");
}

TEST(Assets, RootIsTheEmbeddedIndex) {
  auto a = FindAsset("/", "");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->content_type, "text/html; charset=utf-8");
  EXPECT_NE(a->bytes.find("capplan"), std::string::npos);
}

TEST(Assets, ScriptAndStyleAreEmbedded) {
  EXPECT_TRUE(FindAsset("/assets/app.js", "").has_value());
  EXPECT_TRUE(FindAsset("/assets/app.css", "").has_value());
}

TEST(Assets, AClientRouteFallsBackToTheIndex) {
  auto a = FindAsset("/plan/scout", "");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->content_type, "text/html; charset=utf-8");
}

TEST(Assets, AMissingFileIsNotTheIndex) { EXPECT_FALSE(FindAsset("/assets/missing.js", "").has_value()); }

TEST(Assets, TraversalIsRefused) {
  EXPECT_FALSE(FindAsset("/../CMakeLists.txt", "").has_value());
  EXPECT_FALSE(FindAsset("/assets/../../etc/passwd", "/tmp").has_value());
}

TEST(Assets, WebDirServesFromDisk) {
  auto dir = std::filesystem::temp_directory_path() / "capplan_assets_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "index.html") << "<p>from disk</p>";
  auto a = FindAsset("/", dir.string());
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->bytes, "<p>from disk</p>");
  EXPECT_FALSE(FindAsset("/nope.css", dir.string()).has_value());
  std::filesystem::remove_all(dir);
}

// Issue 17: --web-dir followed symlinks out of the folder (a link to /etc/passwd was served).
TEST(Assets, WebDirDoesNotFollowLinksOutOfTheFolder) {
  namespace fs = std::filesystem;
  fs::path base = fs::temp_directory_path() / "capplan_assets_link_test";
  fs::remove_all(base);
  fs::create_directories(base / "web");
  std::ofstream(base / "secret.txt") << "outside";
  std::ofstream(base / "web" / "inside.txt") << "inside";
  fs::create_symlink(base / "secret.txt", base / "web" / "leak.txt");
  fs::create_symlink(base / "web" / "inside.txt", base / "web" / "alias.txt");
  EXPECT_FALSE(FindAsset("/leak.txt", (base / "web").string()).has_value());
  auto alias = FindAsset("/alias.txt", (base / "web").string());
  ASSERT_TRUE(alias.has_value());  // a link that stays inside is fine
  EXPECT_EQ(alias->bytes, "inside");
  fs::remove_all(base);
}

TEST(Assets, AFaviconIsBuiltIn) {
  auto icon = FindAsset("/favicon.ico", "");
  ASSERT_TRUE(icon.has_value());
  EXPECT_EQ(icon->content_type, "image/x-icon");
  EXPECT_EQ(icon->bytes.size(), 6u + 16u + 40u + 16u * 16u * 4u + 16u * 4u);
}

}  // namespace
}  // namespace capplan::server
