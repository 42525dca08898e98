// Text helpers for matching provider wording (case-insensitive, trimmed). CSV itself is capplan/csv.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace capplan::cost_internal {

/// Lower-case ASCII copy, and whitespace trimmed from both ends.
std::string Lower(std::string_view s);
std::string_view Trim(std::string_view s);

}  // namespace capplan::cost_internal
