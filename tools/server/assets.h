// The web UI's files: embedded in the binary (web/dist at build time), or read from --web-dir while
// developing. Paths never leave the asset folder.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace capplan::server {

struct Asset {
  std::string bytes;
  std::string content_type;
};

/// "text/html; charset=utf-8" for .html, "text/javascript" for .js, ... by extension.
std::string ContentTypeFor(std::string_view path);

/// The asset for a URL path ("/", "/assets/app.js"). A path without an extension that names no file is
/// a client-side route: index.html is returned (SPA fallback). nullopt for a missing file or a path that
/// tries to leave the folder ("..").
/// `web_dir` empty: the embedded files; otherwise files are read from that folder.
std::optional<Asset> FindAsset(std::string_view url_path, const std::string& web_dir);

}  // namespace capplan::server
