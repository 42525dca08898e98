// TensorRT-LLM (`trtllm-serve`, PyTorch backend): flags from `trtllm-serve --help` (1.x); what has no flag goes in
// the YAML file --extra_llm_api_options reads (LLM API fields: kv_cache_config, cuda_graph_config). TensorRT-LLM
// does not quantize a 16-bit checkpoint on load: FP8/NVFP4 need a pre-quantized (ModelOpt) checkpoint.
#include <fmt/format.h>

#include <algorithm>

#include "engine/writers.h"

namespace capplan::engine_detail {

void WriteTrtllm(const LaunchRequest& r, LaunchCommand& out) {
  const Deployment& d = r.deployment;
  const ResolvedCheckpoint c = ResolveCheckpoint(r, /*engine_quantizes_fp8=*/false, out);
  out.checkpoint = c.repo;
  // With attention DP (enable_attention_dp in the options file) --tp_size counts every GPU of a stage and
  // max_batch_size is per rank.
  const int dp = std::max(1, d.parallel.dp_attention);
  std::string s = fmt::format("trtllm-serve {} --backend pytorch --tp_size {}", c.repo, d.parallel.GpusPerStage());
  if (d.parallel.pp > 1) s += fmt::format(" --pp_size {}", d.parallel.pp);
  if (d.parallel.ep > 1) s += fmt::format(" --ep_size {}", d.parallel.ep);
  const int per_rank = (r.max_num_seqs + dp - 1) / dp;
  s += fmt::format(" --max_seq_len {} --max_batch_size {} --max_num_tokens {}", r.max_model_len, per_rank,
                   d.engine.max_num_batched_tokens);
  s += fmt::format(" --kv_cache_free_gpu_memory_fraction {:.2f}", d.engine.memory_fraction);
  s += " --extra_llm_api_options capplan-llm-api.yml";
  out.command = s;
  std::string yml = "# capplan-llm-api.yml: LLM API options trtllm-serve reads with --extra_llm_api_options\n";
  yml += fmt::format("kv_cache_config:\n  free_gpu_memory_fraction: {:.2f}\n", d.engine.memory_fraction);
  if (d.kv_dtype == DType::kFP8) yml += "  dtype: fp8\n";
  yml += fmt::format("cuda_graph_config:\n  enable_padding: true\n  max_batch_size: {}\n", per_rank);
  if (dp > 1) yml += "enable_attention_dp: true\n";
  if (r.spec)  // the LLM API's MTP decoding: the model's next-token-prediction layers, K of them per step
    yml += fmt::format("speculative_config:\n  decoding_type: MTP\n  num_nextn_predict_layers: {}\n", r.spec->tokens);
  if (d.parallel.eplb_redundant > 0)
    out.notes.push_back(
        fmt::format("the plan assumes {} redundant experts per MoE layer (EPLB): set TensorRT-LLM's "
                    "MoE load balancer (moe_config.load_balancer) to that many slots",
                    d.parallel.eplb_redundant));
  out.options_file = yml;
}

namespace {

// TensorRT-LLM's command ends with the options file it reads; each role reads its own.
std::string WithOptionsFile(std::string command, const std::string& name) {
  const std::string flag = "--extra_llm_api_options capplan-llm-api.yml";
  if (const auto at = command.find(flag); at != std::string::npos)
    command.replace(at, flag.size(), fmt::format("--extra_llm_api_options {}", name));
  return command;
}

}  // namespace

// The disaggregated form (launch_disagg.cc has the flags' sources and the parts every engine shares).
void DisaggregateTrtllm(const DisaggLaunch& pd, LaunchCommand& out) {
  const int p = pd.prefill_workers, d = pd.decode_workers;
  const LaunchCommand &prefill = pd.prefill, &decode = pd.decode;
  const int64_t max_model_len = pd.request.max_model_len;
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
  for (int i = 0; i < p; ++i) yml += fmt::format("    - \"{}:8001\"\n", DisaggHost("prefill", i));
  yml += fmt::format("generation_servers:\n  num_instances: {}\n  urls:\n", d);
  for (int i = 0; i < d; ++i) yml += fmt::format("    - \"{}:8002\"\n", DisaggHost("decode", i));
  out.options_file = pre.options_file;
  out.processes.push_back(std::move(pre));
  out.processes.push_back(std::move(dec));
  LaunchProcess router = DisaggProcess("router", 1, "trtllm-serve disaggregated -c capplan-disagg.yml");
  router.options_file_name = "capplan-disagg.yml";
  router.options_file = yml;
  out.processes.push_back(std::move(router));
}

}  // namespace capplan::engine_detail
