// Loading the GPU catalog with an optional --gpu-file, shared by gpus, memory and fit.
#pragma once

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "capplan/hardware.h"

namespace capplan::cli {

/// The built-in catalog, merged with the user's file when given (errors name the file).
inline Result<GpuCatalog> LoadCatalog(const std::optional<std::string>& gpu_file) {
  GpuCatalog catalog = GpuCatalog::BuiltIn();
  if (!gpu_file) return catalog;
  std::ifstream in(*gpu_file);
  if (!in) return Error::NotFound("--gpu-file: cannot read '" + *gpu_file + "'", "gpu-file");
  std::stringstream text;
  text << in.rdbuf();
  CAPPLAN_RETURN_IF_ERROR(catalog.Merge(text.str(), *gpu_file));
  return catalog;
}

}  // namespace capplan::cli
