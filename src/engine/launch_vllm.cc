// vLLM (`vllm serve`, V1 engine): flags from `vllm serve --help` (0.19). Expert parallelism in vLLM spans every
// TP x DP rank (--enable-expert-parallel), so an EP smaller than TP is not expressible there: said in a note.
#include <fmt/format.h>

#include <algorithm>

#include "engine/writers.h"

namespace capplan::engine_detail {

void WriteVllm(const LaunchRequest& r, LaunchCommand& out) {
  const Deployment& d = r.deployment;
  const ResolvedCheckpoint c = ResolveCheckpoint(r, /*engine_quantizes_fp8=*/true, out);
  out.checkpoint = c.repo;
  std::string s = fmt::format("vllm serve {} --tensor-parallel-size {}", c.repo, d.parallel.tp);
  // Attention data parallelism is --data-parallel-size; --max-num-seqs is then per DP rank.
  const int dp = std::max(1, d.parallel.dp_attention);
  if (dp > 1) s += fmt::format(" --data-parallel-size {}", dp);
  if (d.parallel.pp > 1) s += fmt::format(" --pipeline-parallel-size {}", d.parallel.pp);
  if (d.parallel.ep > 1) {
    s += " --enable-expert-parallel";
    if (d.parallel.ep != d.parallel.GpusPerStage())
      out.notes.push_back(fmt::format(
          "vLLM's expert parallelism spans all {} TP x DP ranks (EP = TP x DP), not the planned EP {}: the expert "
          "layout differs from the plan's",
          d.parallel.GpusPerStage(), d.parallel.ep));
  }
  if (d.parallel.eplb_redundant > 0)
    out.notes.push_back(
        fmt::format("the plan assumes {} redundant experts per MoE layer (EPLB): turn on vLLM's "
                    "--enable-eplb with that many redundant experts (its EPLB config)",
                    d.parallel.eplb_redundant));
  s += fmt::format(" --max-model-len {} --max-num-seqs {}", r.max_model_len, (r.max_num_seqs + dp - 1) / dp);
  if (d.kv_dtype == DType::kFP8) s += " --kv-cache-dtype fp8";
  if (c.online_fp8) s += " --quantization fp8";
  s += fmt::format(" --gpu-memory-utilization {:.2f}", d.engine.memory_fraction);
  // vLLM 0.11 names every model's own MTP layers "mtp" (older releases: deepseek_mtp for DeepSeek).
  if (r.spec)
    s += fmt::format(R"( --speculative-config '{{"method":"mtp","num_speculative_tokens":{}}}')", r.spec->tokens);
  out.command = s;
}

// The disaggregated form (launch_disagg.cc has the flags' sources and the parts every engine shares).
void DisaggregateVllm(const DisaggLaunch& pd, LaunchCommand& out) {
  const int p = pd.prefill_workers, d = pd.decode_workers;
  const LaunchCommand &prefill = pd.prefill, &decode = pd.decode;
  const std::string connector = R"( --kv-transfer-config '{"kv_connector":"NixlConnector","kv_role":"kv_both"}')";
  out.processes.push_back(DisaggProcess(
      "prefill", p, fmt::format("VLLM_NIXL_SIDE_CHANNEL_PORT=5600 {} --port 8100{}", prefill.command, connector)));
  out.processes.push_back(DisaggProcess(
      "decode", d, fmt::format("VLLM_NIXL_SIDE_CHANNEL_PORT=5601 {} --port 8200{}", decode.command, connector)));
  std::string hosts, ports;
  for (int i = 0; i < p; ++i) {
    hosts += fmt::format(" {}", DisaggHost("prefill", i));
    ports += " 8100";
  }
  std::string proxy =
      fmt::format("python toy_proxy_server.py --port 8000 --prefiller-hosts{} --prefiller-ports{}", hosts, ports);
  hosts.clear();
  ports.clear();
  for (int i = 0; i < d; ++i) {
    hosts += fmt::format(" {}", DisaggHost("decode", i));
    ports += " 8200";
  }
  proxy += fmt::format(" --decoder-hosts{} --decoder-ports{}", hosts, ports);
  out.processes.push_back(DisaggProcess("router", 1, proxy));
  out.notes.push_back(
      "the router is vLLM's example proxy (tests/v1/kv_connector/nixl_integration/toy_proxy_server.py in the vLLM "
      "repository): it sends each request to a prefill worker with max_tokens 1, then to a decode worker with the "
      "KV's location; llm-d or Dynamo route in production");
}

}  // namespace capplan::engine_detail
