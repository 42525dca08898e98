// One launch-command writer per engine (launch_<engine>.cc), behind the dispatch in launch.cc. A new engine is a
// writer here, its profile in src/memory/engine.cc and its row in docs/design.md's "adding an engine".
#pragma once

#include <string>

#include "capplan/launch.h"

namespace capplan::engine_detail {

/// What every writer needs: the repository to serve and how its weights get into the deployment's format.
struct ResolvedCheckpoint {
  std::string repo;          // the repository (or a placeholder in <angle brackets> when none is known)
  std::string format;        // "bf16", "fp8", "nvfp4", "mxfp4", "int4"
  bool online_fp8 = false;   // a 16-bit repository the engine quantizes to FP8 at load (vLLM, SGLang)
  bool placeholder = false;  // no known checkpoint in this format: the user must quantize first
};
/// `engine_quantizes_fp8`: whether this engine can quantize a 16-bit checkpoint to FP8 on load.
ResolvedCheckpoint ResolveCheckpoint(const LaunchRequest& r, bool engine_quantizes_fp8, LaunchCommand& out);

void WriteVllm(const LaunchRequest& r, LaunchCommand& out);
void WriteSglang(const LaunchRequest& r, LaunchCommand& out);
void WriteTrtllm(const LaunchRequest& r, LaunchCommand& out);

/// Turns the prefill worker's command (`prefill`, written by the engine's writer for r.disagg->prefill) and the
/// decode worker's (`decode`) into the engine's disaggregated launch: role flags, KV connector, ports and the router
/// (launch_disagg.cc). `out` gets the processes, with `command` / `options_file` the prefill worker's.
void WriteDisaggregated(const LaunchRequest& r, const LaunchCommand& prefill, const LaunchCommand& decode,
                        LaunchCommand& out);

}  // namespace capplan::engine_detail
