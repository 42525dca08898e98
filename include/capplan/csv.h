// RFC 4180 CSV: quoted fields, doubled quotes, commas and newlines inside quotes; blank lines and lines
// starting with '#' are skipped. Used for the price catalogs and the published measurements.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "capplan/error.h"

namespace capplan {

struct CsvTable {
  std::vector<std::string> header;
  int header_line = 0;                         // 1-based line of the header
  std::vector<std::vector<std::string>> rows;  // each row has header.size() fields
  std::vector<int> lines;                      // 1-based line where each row starts
  /// Index of a column, or -1.
  int Column(std::string_view name) const;
};

/// Errors name the source and line: "prices.csv:7: expected 7 fields, found 5".
Result<CsvTable> ParseCsv(std::string_view text, std::string_view source_name);

}  // namespace capplan
