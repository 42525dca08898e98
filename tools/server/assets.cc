#include "assets.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "capplan/embedded.h"

namespace capplan::server {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::optional<std::string> ReadAsset(const std::string& rel, const std::string& web_dir) {
  if (web_dir.empty()) {
    auto bytes = FindEmbedded(embedded::web(), rel);
    if (!bytes) return std::nullopt;
    return std::string(*bytes);
  }
  // Resolved, symlinks included, and kept inside the folder: a link in --web-dir to /etc was followed (issue 17).
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path root = fs::canonical(web_dir, ec);
  if (ec) return std::nullopt;
  fs::path file = fs::canonical(root / rel, ec);
  if (ec || !fs::is_regular_file(file, ec)) return std::nullopt;
  auto [end, unused] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  if (end != root.end()) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A 16x16 square in the UI's accent colour (#3b6fb6), built rather than stored: browsers ask for /favicon.ico on
// every page, and the 404 showed in every console (issue 16).
std::string Favicon() {
  constexpr int kSide = 16;
  constexpr uint32_t kPixels = kSide * kSide * 4, kMask = kSide * 4, kImage = 40 + kPixels + kMask;
  std::string out;
  auto u16 = [&out](uint32_t v) { out += static_cast<char>(v & 0xff), out += static_cast<char>((v >> 8) & 0xff); };
  auto u32 = [&](uint32_t v) { u16(v & 0xffff), u16(v >> 16); };
  u16(0), u16(1), u16(1);                                                    // ICONDIR: reserved, icon, 1 image
  out += static_cast<char>(kSide), out += static_cast<char>(kSide), u16(0);  // ICONDIRENTRY: 16x16, no palette
  u16(1), u16(32), u32(kImage), u32(22);                                     // planes, bpp, size, offset
  u32(40), u32(kSide), u32(kSide * 2), u16(1), u16(32), u32(0), u32(kPixels + kMask), u32(0), u32(0), u32(0), u32(0);
  for (int i = 0; i < kSide * kSide; ++i) out += std::string("\xb6\x6f\x3b\xff", 4);  // BGRA
  out.append(kMask, '\0');                                                            // AND mask: all opaque
  return out;
}

}  // namespace

std::string ContentTypeFor(std::string_view path) {
  struct Type {
    std::string_view ext, type;
  };
  static constexpr Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".map", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const Type& t : kTypes)
    if (EndsWith(path, t.ext)) return std::string(t.type);
  return "application/octet-stream";
}

std::optional<Asset> FindAsset(std::string_view url_path, const std::string& web_dir) {
  std::string rel(url_path.substr(url_path.starts_with('/') ? 1 : 0));
  if (rel.find("..") != std::string::npos || rel.find('\\') != std::string::npos || rel.find('\0') != std::string::npos)
    return std::nullopt;
  if (rel.empty() || EndsWith(rel, "/")) rel += "index.html";
  if (auto bytes = ReadAsset(rel, web_dir)) return Asset{std::move(*bytes), ContentTypeFor(rel)};
  if (rel == "favicon.ico") return Asset{Favicon(), ContentTypeFor(rel)};
  std::string_view last = std::string_view(rel).substr(rel.rfind('/') + 1);
  if (last.find('.') != std::string_view::npos) return std::nullopt;  // a missing file, not a route
  if (auto index = ReadAsset("index.html", web_dir)) return Asset{std::move(*index), ContentTypeFor("index.html")};
  return std::nullopt;
}

}  // namespace capplan::server
