// The budget arithmetic without warnings, shared by ComputeMemoryBudget, the warnings (which
// re-plan at other precisions) and `capplan fit`. Private to the memory module.
#pragma once

#include <optional>
#include <string>

#include "capplan/memory.h"

namespace capplan {

/// REQUIRES: the layout validated and q.context, q.batch >= 1 (ComputeMemoryBudget checks).
MemoryBudget BudgetOf(const ModelSpec& m, const Deployment& d, const BudgetQuery& q);

/// The smallest power-of-two GPU count (up to max_gpus) whose DefaultLayout fits the workload.
std::optional<int> MinGpusThatFit(const ModelSpec& m, const Deployment& base, const WeightPrecision& w,
                                  const BudgetQuery& q, int max_gpus);

/// 1234567 -> "1,234,567".
std::string Thousands(int64_t n);

std::vector<Warning> BudgetWarnings(const ModelSpec& m, const Deployment& d, const BudgetQuery& q,
                                    const MemoryBudget& b);

}  // namespace capplan
