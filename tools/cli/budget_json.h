// JSON views of a MemoryBudget for `capplan memory` and `capplan fit`: they live in tools/json (encode_budget.h), where
// POST /api/fit uses them too.
#pragma once

#include "encode_budget.h"

namespace capplan::cli {

using json::BudgetJson;
using json::LayoutJson;
using json::WeightsJson;
using json::WholeBytes;

}  // namespace capplan::cli
