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

}  // namespace capplan::engine_detail
