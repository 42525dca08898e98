// Files compiled into the binary (model presets, catalogs, web assets): see cmake/Embed.cmake.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace capplan {

struct EmbeddedFile {
  std::string_view name;  // path relative to its data folder, e.g. "llama-4-scout.json"
  std::string_view bytes;
};

namespace embedded {
std::span<const EmbeddedFile> models();    // data/models
std::span<const EmbeddedFile> hardware();  // data/hardware
std::span<const EmbeddedFile> prices();    // data/prices
std::span<const EmbeddedFile> perf();      // data/calibration, data/validation, data/perf
std::span<const EmbeddedFile> web();       // web/dist
std::span<const EmbeddedFile> engine();    // data/engine
}  // namespace embedded

/// The file named `name` in `files`, if present.
inline std::optional<std::string_view> FindEmbedded(std::span<const EmbeddedFile> files, std::string_view name) {
  for (const auto& f : files)
    if (f.name == name) return f.bytes;
  return std::nullopt;
}

}  // namespace capplan
