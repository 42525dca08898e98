// Helpers shared by the subcommands: printing errors the one way, JSON output.
#pragma once

#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "capplan/error.h"

namespace capplan::cli {

/// Prints "capplan: error: MESSAGE" to stderr and returns the exit code for input errors (2).
inline int ReportError(const Error& e) {
  std::cerr << "capplan: error: " << e.message << "\n";
  return 2;
}

inline void PrintJson(const nlohmann::json& j) { std::cout << j.dump(2) << "\n"; }

}  // namespace capplan::cli
