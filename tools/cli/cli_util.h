// Helpers shared by the subcommands: printing errors the one way, JSON output, reading input files.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <system_error>

#include "capplan/error.h"

namespace capplan::cli {

/// Prints "capplan: error: MESSAGE" to stderr and returns the exit code for input errors (2).
inline int ReportError(const Error& e) {
  std::cerr << "capplan: error: " << e.message << "\n";
  return 2;
}

inline void PrintJson(const nlohmann::json& j) { std::cout << j.dump(2) << "\n"; }

/// Largest input file read (a trace of a million requests is ~30 MB): /dev/zero as a model read 2 GB (issue 17).
inline constexpr uintmax_t kMaxInputFileBytes = uintmax_t{256} << 20;

/// The text of a regular file. A directory, a device, a FIFO or a socket is named for what it is ("trace.d: is a
/// directory, not a trace file"), not read and reported as malformed; a file over `max_bytes` is refused unread.
inline Result<std::string> ReadInputFile(const std::string& path, std::string_view what, const std::string& flag,
                                         uintmax_t max_bytes = kMaxInputFileBytes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return Error::NotFound(fmt::format("{}: {}: cannot open the file", flag, path), flag);
  if (fs::is_directory(st))
    return Error::InvalidArgument(fmt::format("{}: {}: is a directory, not a {} file", flag, path, what), flag);
  if (!fs::is_regular_file(st))
    return Error::InvalidArgument(fmt::format("{}: {}: is a device or special file, not a {} file", flag, path, what),
                                  flag);
  uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > max_bytes)
    return Error::ResourceLimit(fmt::format("{}: {}: {} bytes, larger than the limit of {} bytes for a {} file", flag,
                                            path, size, max_bytes, what),
                                flag);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NotFound(fmt::format("{}: {}: cannot open the file", flag, path), flag);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace capplan::cli
