// Launch commands with the flags that bound the worst case: a deployment that fits on paper OOMs at the
// first long request unless --max-model-len and --max-num-seqs say what the budget assumed.
#include <fmt/format.h>

#include "capplan/search.h"

namespace capplan {
namespace {

// The quantization flag for a precision the checkpoint does not already carry.
std::string VllmQuantization(const Deployment& d) {
  const DType w = d.weights.linear.value_or(d.weights.base);
  if (d.weights.routed_experts && !d.weights.linear) return "";  // the checkpoint's own mixed scheme (e.g. MXFP4 experts)
  switch (w) {
    case DType::kFP8: return " --quantization fp8";
    case DType::kNVFP4: return " --quantization modelopt_fp4";  // needs a ModelOpt NVFP4 checkpoint
    case DType::kINT4: return " --quantization awq";            // needs an AWQ checkpoint
    default: return "";
  }
}

}  // namespace

std::string VllmLaunchCommand(const std::string& hf_id, const Deployment& d, int64_t max_model_len, int max_num_seqs) {
  std::string s = fmt::format("vllm serve {} --tensor-parallel-size {}", hf_id, d.parallel.tp);
  const int dp = std::max(1, d.parallel.dp_attention);
  // vLLM: attention data parallelism is --data-parallel-size; with --enable-expert-parallel the
  // experts span tp x dp GPUs. --max-num-seqs is per DP rank.
  if (dp > 1) s += fmt::format(" --data-parallel-size {}", dp);
  if (d.parallel.pp > 1) s += fmt::format(" --pipeline-parallel-size {}", d.parallel.pp);
  if (d.parallel.ep > 1) s += " --enable-expert-parallel";
  s += fmt::format(" --max-model-len {} --max-num-seqs {}", max_model_len, (max_num_seqs + dp - 1) / dp);
  if (d.kv_dtype == DType::kFP8) s += " --kv-cache-dtype fp8";
  s += VllmQuantization(d);
  s += fmt::format(" --gpu-memory-utilization {:.2f}", d.engine.memory_fraction);
  return s;
}

std::string SglangLaunchCommand(const std::string& hf_id, const Deployment& d, int64_t max_model_len, int max_num_seqs) {
  // SGLang: --tp counts every GPU of a stage; --dp with --enable-dp-attention splits attention.
  const int dp = std::max(1, d.parallel.dp_attention);
  std::string s =
      fmt::format("python -m sglang.launch_server --model-path {} --tp {}", hf_id, d.parallel.tp * dp);
  if (dp > 1) s += fmt::format(" --dp {} --enable-dp-attention", dp);
  if (d.parallel.pp > 1) s += fmt::format(" --pp-size {}", d.parallel.pp);
  if (d.parallel.ep > 1) s += fmt::format(" --ep-size {}", d.parallel.ep);
  s += fmt::format(" --context-length {} --max-running-requests {}", max_model_len, max_num_seqs);
  if (d.kv_dtype == DType::kFP8) s += " --kv-cache-dtype fp8_e4m3";
  const std::string q = VllmQuantization(d);
  if (!q.empty()) s += q;  // SGLang takes the same --quantization names (fp8, modelopt_fp4, awq)
  s += " --mem-fraction-static 0.88";
  return s;
}

}  // namespace capplan
