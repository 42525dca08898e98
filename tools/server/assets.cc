#include "assets.h"

#include <fstream>
#include <sstream>

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
  std::ifstream in(web_dir + "/" + rel, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
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
  std::string_view last = std::string_view(rel).substr(rel.rfind('/') + 1);
  if (last.find('.') != std::string_view::npos) return std::nullopt;  // a missing file, not a route
  if (auto index = ReadAsset("index.html", web_dir)) return Asset{std::move(*index), ContentTypeFor("index.html")};
  return std::nullopt;
}

}  // namespace capplan::server
