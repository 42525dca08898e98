// Private: the model-wording table's companion, the nearest-equivalent rule (see api_models.cc).
#pragma once

#include <string_view>
#include <vector>

namespace capplan::cost_internal {

/// A priced model that stands in for a preset with no API price of its own.
struct Equivalent {
  std::string_view key;   // model key of the rows to use (MapModelText's output)
  std::string_view name;  // what the output calls it, "DeepSeek V3 family"
  std::string_view why;   // why it is a fair stand-in (or a bound)
};

/// Ordered: the first equivalent that has rows is used. Empty when the preset has none.
std::vector<Equivalent> NearestEquivalents(std::string_view preset);

}  // namespace capplan::cost_internal
