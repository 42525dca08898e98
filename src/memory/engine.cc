// Engine profiles: what vLLM, SGLang and TensorRT-LLM reserve by default. Every default below is
// documented with its source in docs/memory.md; change them there and here together.
#include <algorithm>
#include <cctype>
#include <string>

#include "capplan/memory.h"
#include "memory/engine_defaults.h"

namespace capplan {

std::string_view EngineName(Engine e) {
  switch (e) {
    case Engine::kVllm:
      return "vllm";
    case Engine::kSglang:
      return "sglang";
    case Engine::kTrtllm:
      return "trtllm";
  }
  return "vllm";
}

Result<Engine> ParseEngine(std::string_view text, std::string_view field) {
  std::string s(text);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (s == "vllm") return Engine::kVllm;
  if (s == "sglang") return Engine::kSglang;
  if (s == "trtllm" || s == "tensorrt-llm" || s == "trt-llm") return Engine::kTrtllm;
  return Error::InvalidArgument(
      std::string(field) + ": unknown engine '" + std::string(text) + "' (expected vllm, sglang or trtllm)",
      std::string(field));
}

EngineProfile DefaultEngineProfile(Engine e) {
  switch (e) {
    case Engine::kVllm:
      return EngineProfile{.engine = e,
                           .memory_fraction = 0.90,  // --gpu-memory-utilization
                           .cuda_graph_bytes = kCudaGraphBytes,
                           .runtime_overhead_bytes = kRuntimeOverheadBytes,
                           .max_num_batched_tokens = 8192,  // V1 `vllm serve` default with chunked prefill
                           .kv_block_tokens = 16,           // --block-size
                           .per_layer_type_kv = true,       // hybrid KV cache manager
                           .default_max_num_seqs = 256};
    case Engine::kSglang:
      return EngineProfile{.engine = e,
                           .memory_fraction = 0.88,  // --mem-fraction-static at TP 1
                           .cuda_graph_bytes = kCudaGraphBytes,
                           .runtime_overhead_bytes = kRuntimeOverheadBytes,
                           .max_num_batched_tokens = 8192,  // --chunked-prefill-size
                           .kv_block_tokens = 1,            // --page-size (token-granular radix cache)
                           .per_layer_type_kv = true,       // hybrid SWA memory pool
                           .default_max_num_seqs = 256,
                           .reserves_outside_fraction = true};
    case Engine::kTrtllm:
      return EngineProfile{.engine = e,
                           .memory_fraction = 0.90,  // KvCacheConfig.free_gpu_memory_fraction
                           .cuda_graph_bytes = kCudaGraphBytes,
                           .runtime_overhead_bytes = kRuntimeOverheadBytes,
                           .max_num_batched_tokens = 8192,  // max_num_tokens
                           .kv_block_tokens = 32,           // tokens_per_block
                           .per_layer_type_kv = false,      // one pool sized for full context per layer
                           .default_max_num_seqs = 256,
                           .fraction_of_free = true};
  }
  return DefaultEngineProfile(Engine::kVllm);
}

int EffectiveMaxNumSeqs(const EngineProfile& e, const GpuSpec& g, int max_num_seqs) {
  if (max_num_seqs > 0) return max_num_seqs;
  // vLLM V1 raises its defaults on GPUs with >= 70 GiB (H100, MI300X; not A100):
  // vllm/engine/arg_utils.py, EngineArgs._set_default_args.
  if (e.engine == Engine::kVllm && g.memory_usable >= GiB(kVllmLargeGpuGiB) && g.id.find("a100") == std::string::npos) {
    return kVllmLargeGpuMaxNumSeqs;
  }
  return e.default_max_num_seqs;
}

}  // namespace capplan
