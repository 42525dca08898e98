// `--prefill-*` / `--decode-*`: disaggregated prefill and decode pools, each with its own layout,
// for `capplan simulate` and `capplan perf` (docs/scale.md). Any of them implies --disagg.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "capplan/error.h"
#include "capplan/memory.h"
#include "capplan/model.h"
#include "capplan/sim.h"
#include "deployment_flags.h"

namespace capplan::cli {

struct PoolFlags {
  std::optional<int> workers, tp, dp_attention, ep;
};

struct DisaggFlags {
  bool disagg = false;
  PoolFlags prefill, decode;
  bool prefill_emits_first_token = false;
  std::optional<int> clients;  // closed loop: --concurrency (or the deprecated --disagg-clients)
  bool deprecated_clients_flag = false;
  bool Any() const;
};

/// Adds --disagg, --prefill-workers/-tp/-dp-attention/-ep, --decode-workers/-tp/-dp-attention/-ep,
/// --prefill-emits-first-token and --disagg-clients (deprecated: the command's own --concurrency, which the caller
/// copies into `clients`, has the same meaning).
void AddDisaggFlags(CLI::App& cmd, DisaggFlags& f);

/// Runs the disaggregated simulation of `requests` (or, with --concurrency N, a closed loop of N clients taking
/// their lengths, its warm-up and drain excluded as in the aggregated closed loop) and prints
/// TTFT with its parts, TPOT, E2E and throughput; the base deployment gives GPU, precision, engine.
/// Returns the exit code.
int RunDisaggregated(const ModelSpec& m, const DeploymentFlags& base, const DisaggFlags& f,
                     const std::vector<Request>& requests, int64_t input, int64_t output);

/// `capplan perf` with pools: idle-system TTFT (prefill on a prefill worker + KV transfer + the first
/// decode step) and TPOT at `batch` per decode worker; with f.clients (--concurrency N), the closed loop's steady
/// state at N clients instead. Returns the exit code.
int PrintDisaggregatedPerf(const ModelSpec& m, const DeploymentFlags& base, const DisaggFlags& f, int64_t input,
                           int64_t output, int batch);

/// Folds the command's --concurrency into f.clients; an error when --disagg-clients says otherwise. Warns (stderr)
/// that --disagg-clients is deprecated.
Status MergeConcurrency(DisaggFlags& f, std::optional<int> concurrency);

}  // namespace capplan::cli
