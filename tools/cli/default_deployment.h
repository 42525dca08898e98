// The deployment `perf` and `simulate` run when the user names no GPU count: the flags' deployment when it
// fits, else the same GPU with the fewest GPUs (1, 2, 4, 8, 16, ...) that hold the model, said out loud.
// The default scenario (Scout BF16) does not fit on one H100; a default that fails on itself helps nobody.
#pragma once

#include <fmt/format.h>

#include <string>

#include "capplan/perf.h"
#include "deployment_flags.h"

namespace capplan::cli {

struct ChosenDeployment {
  Deployment deployment;
  std::string note;  // empty when the flags' deployment was used as given
};

inline Result<ChosenDeployment> DeploymentThatFits(const ModelSpec& m, DeploymentFlags flags, bool gpus_given,
                                                   int64_t context) {
  CAPPLAN_ASSIGN_OR_RETURN(Deployment d, BuildDeployment(m, flags));
  auto fits = [&](const Deployment& x) {
    return FittingBudget(m, x, BudgetQuery{.context = context, .batch = 1}).ok();
  };
  if (gpus_given || fits(d)) return ChosenDeployment{d, ""};
  const int asked = flags.gpus;
  for (int n = 2; n <= 64; n *= 2) {
    flags.gpus = n;
    auto candidate = BuildDeployment(m, flags);
    if (!candidate.ok() || !fits(*candidate)) continue;
    return ChosenDeployment{*candidate,
                            fmt::format("{} does not fit on {} x {}; no --gpus given, so this runs on {} x {}, "
                                        "the fewest that hold it (set --gpus to choose)",
                                        m.name, asked, d.gpu.name, n, d.gpu.name)};
  }
  return ChosenDeployment{d, ""};  // nothing fits: the caller's own check reports why on the deployment asked for
}

}  // namespace capplan::cli
