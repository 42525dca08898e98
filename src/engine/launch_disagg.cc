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
namespace {

std::string Host(const char* role, int i) { return fmt::format("<{}-host-{}>", role, i + 1); }

LaunchProcess Process(std::string role, int instances, std::string command) {
  LaunchProcess p;
  p.role = std::move(role);
  p.instances = instances;
  p.command = std::move(command);
  return p;
}

void AddNotes(const LaunchCommand& from, LaunchCommand& out) {
  for (const auto& n : from.notes)
    if (std::find(out.notes.begin(), out.notes.end(), n) == out.notes.end()) out.notes.push_back(n);
}

// TensorRT-LLM's command ends with the options file it reads; each role reads its own.
std::string WithOptionsFile(std::string command, const std::string& name) {
  const std::string flag = "--extra_llm_api_options capplan-llm-api.yml";
  if (const auto at = command.find(flag); at != std::string::npos)
    command.replace(at, flag.size(), fmt::format("--extra_llm_api_options {}", name));
  return command;
}

void Sglang(int p, int d, const LaunchCommand& prefill, const LaunchCommand& decode, bool nvlink, LaunchCommand& out) {
  // Mooncake is SGLang's default transfer engine; NIXL is the other documented backend.
  const std::string backend = " --disaggregation-transfer-backend mooncake";
  out.processes.push_back(
      Process("prefill", p,
              fmt::format("{} --disaggregation-mode prefill{} --host 0.0.0.0 --port 30000", prefill.command, backend)));
  out.processes.push_back(
      Process("decode", d,
              fmt::format("{} --disaggregation-mode decode{} --host 0.0.0.0 --port 30001", decode.command, backend)));
  std::string router = "python -m sglang_router.launch_router --pd-disaggregation";
  for (int i = 0; i < p; ++i) router += fmt::format(" --prefill http://{}:30000", Host("prefill", i));
  for (int i = 0; i < d; ++i) router += fmt::format(" --decode http://{}:30001", Host("decode", i));
  router += " --host 0.0.0.0 --port 8000";
  out.processes.push_back(Process("router", 1, router));
  if (!nvlink)
    out.notes.push_back(
        "the KV crosses the scale-out network: give each worker its RDMA NICs with --disaggregation-ib-device "
        "(e.g. mlx5_0,mlx5_1)");
}

void Vllm(int p, int d, const LaunchCommand& prefill, const LaunchCommand& decode, LaunchCommand& out) {
  const std::string connector = R"( --kv-transfer-config '{"kv_connector":"NixlConnector","kv_role":"kv_both"}')";
  out.processes.push_back(Process(
      "prefill", p, fmt::format("VLLM_NIXL_SIDE_CHANNEL_PORT=5600 {} --port 8100{}", prefill.command, connector)));
  out.processes.push_back(Process(
      "decode", d, fmt::format("VLLM_NIXL_SIDE_CHANNEL_PORT=5601 {} --port 8200{}", decode.command, connector)));
  std::string hosts, ports;
  for (int i = 0; i < p; ++i) {
    hosts += fmt::format(" {}", Host("prefill", i));
    ports += " 8100";
  }
  std::string proxy =
      fmt::format("python toy_proxy_server.py --port 8000 --prefiller-hosts{} --prefiller-ports{}", hosts, ports);
  hosts.clear();
  ports.clear();
  for (int i = 0; i < d; ++i) {
    hosts += fmt::format(" {}", Host("decode", i));
    ports += " 8200";
  }
  proxy += fmt::format(" --decoder-hosts{} --decoder-ports{}", hosts, ports);
  out.processes.push_back(Process("router", 1, proxy));
  out.notes.push_back(
      "the router is vLLM's example proxy (tests/v1/kv_connector/nixl_integration/toy_proxy_server.py in the vLLM "
      "repository): it sends each request to a prefill worker with max_tokens 1, then to a decode worker with the "
      "KV's location; llm-d or Dynamo route in production");
}

void Trtllm(int p, int d, const LaunchCommand& prefill, const LaunchCommand& decode, int64_t max_model_len,
            LaunchCommand& out) {
  const std::string transceiver =
      fmt::format("cache_transceiver_config:\n  backend: UCX\n  max_tokens_in_buffer: {}\n", max_model_len);
  LaunchProcess pre{
      .role = "prefill",
      .instances = p,
      .command = WithOptionsFile(prefill.command, "capplan-llm-api-prefill.yml") + " --host 0.0.0.0 --port 8001",
      .options_file_name = "capplan-llm-api-prefill.yml",
      .options_file = prefill.options_file + transceiver + "disable_overlap_scheduler: true\n"};
  LaunchProcess dec{
      .role = "decode",
      .instances = d,
      .command = WithOptionsFile(decode.command, "capplan-llm-api-decode.yml") + " --host 0.0.0.0 --port 8002",
      .options_file_name = "capplan-llm-api-decode.yml",
      .options_file = decode.options_file + transceiver};
  std::string yml = "# capplan-disagg.yml: the context (prefill) and generation (decode) servers\n";
  yml += "hostname: 0.0.0.0\nport: 8000\nbackend: pytorch\n";
  yml += fmt::format("context_servers:\n  num_instances: {}\n  urls:\n", p);
  for (int i = 0; i < p; ++i) yml += fmt::format("    - \"{}:8001\"\n", Host("prefill", i));
  yml += fmt::format("generation_servers:\n  num_instances: {}\n  urls:\n", d);
  for (int i = 0; i < d; ++i) yml += fmt::format("    - \"{}:8002\"\n", Host("decode", i));
  out.options_file = pre.options_file;
  out.processes.push_back(std::move(pre));
  out.processes.push_back(std::move(dec));
  LaunchProcess router = Process("router", 1, "trtllm-serve disaggregated -c capplan-disagg.yml");
  router.options_file_name = "capplan-disagg.yml";
  router.options_file = yml;
  out.processes.push_back(std::move(router));
}

}  // namespace

void WriteDisaggregated(const LaunchRequest& r, const LaunchCommand& prefill, const LaunchCommand& decode,
                        LaunchCommand& out) {
  const int p = std::max(1, r.disagg->prefill.parallel.replicas);
  const int d = std::max(1, r.deployment.parallel.replicas);
  out.checkpoint = prefill.checkpoint;
  AddNotes(prefill, out);
  AddNotes(decode, out);
  switch (out.engine) {
    case Engine::kSglang:
      Sglang(p, d, prefill, decode, r.disagg->nvlink, out);
      break;
    case Engine::kVllm:
      Vllm(p, d, prefill, decode, out);
      break;
    case Engine::kTrtllm:
      Trtllm(p, d, prefill, decode, r.max_model_len, out);
      break;
  }
  out.command = out.processes.front().command;
  out.notes.push_back(fmt::format(
      "start {} prefill worker{} and {} decode worker{} (each command once per worker, on its own GPUs and host), then "
      "the router; clients send requests to the router's port 8000. Dynamo runs the same workers under its own "
      "launcher and frontend: capplan writes the engine's own form, not Dynamo's",
      p, p == 1 ? "" : "s", d, d == 1 ? "" : "s"));
}

}  // namespace capplan::engine_detail
