// Disaggregated launches: prefill workers, decode workers and the router between them, per engine. Flags as the
// engines document them: SGLang 0.5 ("PD Disaggregation": --disaggregation-mode, --disaggregation-transfer-backend,
// sglang_router --pd-disaggregation), vLLM 0.11 (NixlConnector: --kv-transfer-config with kv_role kv_both on both
// roles, VLLM_NIXL_SIDE_CHANNEL_PORT, and the example proxy), TensorRT-LLM 1.x (examples/disaggregated:
// cache_transceiver_config in each worker's options and `trtllm-serve disaggregated -c`). Hosts are placeholders
// (<prefill-host-1>, ...): one worker per host at the ports below, or distinct ports where workers share a node.
#include <fmt/format.h>

#include <algorithm>

#include "engine/writers.h"

namespace capplan::engine_detail {

std::string DisaggHost(const char* role, int i) { return fmt::format("<{}-host-{}>", role, i + 1); }

LaunchProcess DisaggProcess(std::string role, int instances, std::string command) {
  LaunchProcess p;
  p.role = std::move(role);
  p.instances = instances;
  p.command = std::move(command);
  return p;
}

namespace {

void AddNotes(const LaunchCommand& from, LaunchCommand& out) {
  for (const auto& n : from.notes)
    if (std::find(out.notes.begin(), out.notes.end(), n) == out.notes.end()) out.notes.push_back(n);
}

}  // namespace

void WriteDisaggregated(const LaunchRequest& r, const LaunchCommand& prefill, const LaunchCommand& decode,
                        LaunchCommand& out) {
  const int p = std::max(1, r.disagg->prefill.parallel.replicas);
  const int d = std::max(1, r.deployment.parallel.replicas);
  out.checkpoint = prefill.checkpoint;
  AddNotes(prefill, out);
  AddNotes(decode, out);
  WriterOf(out.engine)
      .disaggregate(
          DisaggLaunch{.request = r, .prefill_workers = p, .decode_workers = d, .prefill = prefill, .decode = decode},
          out);
  out.command = out.processes.front().command;
  out.notes.push_back(fmt::format(
      "start {} prefill worker{} and {} decode worker{} (each command once per worker, on its own GPUs and host), then "
      "the router; clients send requests to the router's port 8000. Dynamo runs the same workers under its own "
      "launcher and frontend: capplan writes the engine's own form, not Dynamo's",
      p, p == 1 ? "" : "s", d, d == 1 ? "" : "s"));
}

}  // namespace capplan::engine_detail
