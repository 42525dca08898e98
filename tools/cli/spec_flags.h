// `--spec mtp|eagle|draft --spec-tokens K --spec-acceptance a1,a2,...` for `capplan perf`: the
// speculative-decoding arithmetic of src/perf/speculative.h over the decode curve (docs/scale.md).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "capplan/deployment.h"
#include "capplan/model.h"

namespace capplan::cli {

struct SpecFlags {
  std::optional<std::string> method;
  int tokens = 1;
  std::string acceptance;                  // "0.8,0.6"; empty = the published default where one exists
  std::optional<std::string> draft_model;  // --spec draft: the small model
};

void AddSpecFlags(CLI::App& cmd, SpecFlags& f);

/// Prints TPOT with and without speculation at batch 1, 2, 4, ... up to `max_batch`, the tokens a
/// step keeps, and the batch where speculation stops paying. Returns the exit code.
int PrintSpeculative(const ModelSpec& m, const Deployment& d, const SpecFlags& f, int64_t context, int max_batch);

}  // namespace capplan::cli
