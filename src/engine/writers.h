// One launch-command writer per engine (launch_<engine>.cc), found through WriterOf (registry.cc). A new engine is
// its launch_<engine>.cc, its case in registry.cc, its row in data/engine/profiles.json and its Engine value
// (docs/design.md, "adding an engine").
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

/// A disaggregated launch as an engine's writer receives it: the request, the worker counts, and the prefill and
/// decode workers' own commands (each written by the engine's single-replica writer).
struct DisaggLaunch {
  const LaunchRequest& request;
  int prefill_workers = 1;
  int decode_workers = 1;
  const LaunchCommand& prefill;
  const LaunchCommand& decode;
};

/// What each engine writes: its single-replica command, and its disaggregated form (role flags, KV connector, ports
/// and router, as `out.processes`).
struct EngineWriter {
  void (*write)(const LaunchRequest& r, LaunchCommand& out);
  void (*disaggregate)(const DisaggLaunch& pd, LaunchCommand& out);
};
/// The writer of engine `e` (registry.cc).
const EngineWriter& WriterOf(Engine e);

void WriteVllm(const LaunchRequest& r, LaunchCommand& out);
void DisaggregateVllm(const DisaggLaunch& pd, LaunchCommand& out);
void WriteSglang(const LaunchRequest& r, LaunchCommand& out);
void DisaggregateSglang(const DisaggLaunch& pd, LaunchCommand& out);
void WriteTrtllm(const LaunchRequest& r, LaunchCommand& out);
void DisaggregateTrtllm(const DisaggLaunch& pd, LaunchCommand& out);

/// Shared by the disaggregated writers: a placeholder host name (<prefill-host-1>, ...) and a process of a role.
std::string DisaggHost(const char* role, int i);
LaunchProcess DisaggProcess(std::string role, int instances, std::string command);

/// Turns the prefill worker's command (`prefill`, written by the engine's writer for r.disagg->prefill) and the
/// decode worker's (`decode`) into the engine's disaggregated launch: role flags, KV connector, ports and the router
/// (launch_disagg.cc). `out` gets the processes, with `command` / `options_file` the prefill worker's.
void WriteDisaggregated(const LaunchRequest& r, const LaunchCommand& prefill, const LaunchCommand& decode,
                        LaunchCommand& out);

}  // namespace capplan::engine_detail
