// Loading the GPU catalog with an optional --gpu-file, shared by gpus, memory and fit.
#pragma once

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "capplan/hardware.h"
#include "cli_util.h"

namespace capplan::cli {

/// The built-in catalog, merged with the user's file when given (errors name the file).
inline Result<GpuCatalog> LoadCatalog(const std::optional<std::string>& gpu_file) {
  GpuCatalog catalog = GpuCatalog::BuiltIn();
  if (!gpu_file) return catalog;
  CAPPLAN_ASSIGN_OR_RETURN(std::string text, ReadInputFile(*gpu_file, "GPU catalog", "--gpu-file"));
  CAPPLAN_RETURN_IF_ERROR(catalog.Merge(text, *gpu_file));
  return catalog;
}

}  // namespace capplan::cli
