// Minimal RFC 4180 CSV for the price files: comma separated, fields optionally in double quotes ("" inside quotes
// is a quote). One record per line (quoted fields do not span lines in these files).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace capplan::cost_internal {

/// The fields of one line, or nullopt when a quote is left open.
std::optional<std::vector<std::string>> SplitCsvLine(std::string_view line);

/// Lower-case ASCII copy, and whitespace trimmed from both ends.
std::string Lower(std::string_view s);
std::string_view Trim(std::string_view s);

}  // namespace capplan::cost_internal
