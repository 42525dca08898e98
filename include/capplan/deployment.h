// A deployment: the GPU, the parallel layout of one replica, the weight and KV precision and the
// serving engine's profile. Value types only; the memory budget over them is in memory.h.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "capplan/dtype.h"
#include "capplan/error.h"
#include "capplan/hardware.h"
#include "capplan/model.h"
#include "capplan/units.h"

namespace capplan {

/// One replica's layout, in the vocabulary of the engines and the measurement files: A attention
/// data-parallel ranks of T tensor-parallel GPUs each, per pipeline stage; GPUs per replica =
/// T x A x P. Attention, dense MLPs, shared experts and embeddings are split T ways inside a rank
/// and replicated across the A ranks; each rank holds the KV of its own sequences. The routed
/// experts of a stage are split over its T x A GPUs as E expert-parallel groups x M expert-tensor
/// shards, M x E = T x A (TensorRT-LLM's moe_ep_size x moe_tp_size; vLLM's --enable-expert-parallel
/// is E = T x A). A = 1 is plain tensor parallelism. Replicas multiply the replica. See docs/scale.md.
struct Parallelism {
  int tp = 1;              // T: attention tensor-parallel degree within a rank
  int ep = 1;              // E: expert-parallel degree (routed experts split E ways; 1 = experts TP-sharded)
  int pp = 1;              // P: pipeline stages (layers split P ways)
  int replicas = 1;        // data-parallel copies of the whole replica
  int dp_attention = 1;    // A: attention data-parallel ranks per stage (SGLang --dp-size with --enable-dp-attention)
  int eplb_redundant = 0;  // redundant expert copies per MoE layer (EPLB), spread over the E ranks
  int GpusPerStage() const { return tp * dp_attention; }
  int GpusPerReplica() const { return tp * dp_attention * pp; }
  int TotalGpus() const { return GpusPerReplica() * replicas; }
  /// M = T x A / E: each expert's tensor-parallel shard count.
  int MoeTp() const { return ep > 0 && GpusPerStage() % ep == 0 ? GpusPerStage() / ep : 1; }
  friend bool operator==(const Parallelism&, const Parallelism&) = default;
};

/// The serving engines. Everything else about an engine is data (its row in data/engine/profiles.json, listed in
/// this order: name, aliases, memory rules) or its launch writer in src/engine; docs/design.md, "adding an engine".
enum class Engine { kVllm, kSglang, kTrtllm };
inline constexpr int kEngineCount = 3;
/// Every engine, in the order of the enum.
std::span<const Engine> AllEngines();
/// The engine's name as --engine and the API's "engine" take it (its profile row's "engine").
std::string_view EngineName(Engine e);
/// The engine named `text` (its name or one of its aliases, any case); the error names `field`.
Result<Engine> ParseEngine(std::string_view text, std::string_view field);

/// What an engine reserves. The built-in profiles are data (data/engine/profiles.json, each value
/// with its source); docs/memory.md explains them.
struct EngineProfile {
  Engine engine = Engine::kVllm;
  std::string label = "vLLM";                                     // as the engine names itself in text
  std::string memory_fraction_flag = "--gpu-memory-utilization";  // the flag memory_fraction is set with
  double memory_fraction = 0.90;                                  // vLLM --gpu-memory-utilization default
  Bytes cuda_graph_bytes;                                         // captured graphs' private pools
  Bytes runtime_overhead_bytes;                                   // CUDA context, NCCL buffers, allocator fragmentation
  int max_num_batched_tokens = 8192;                              // largest prefill chunk the activations are sized for
  int kv_block_tokens = 16;                                       // paged-KV block size
  bool per_layer_type_kv = true;   // hybrid KV allocation (sliding/chunked layers keep a window)
  int default_max_num_seqs = 256;  // sequences a step may hold when --max-num-seqs is not given
  /// TensorRT-LLM: the KV pool is memory_fraction of what is free after weights and activations
  /// (KvCacheConfig.free_gpu_memory_fraction); capacity is then the whole usable memory.
  bool fraction_of_free = false;
  /// SGLang: memory_fraction (--mem-fraction-static) covers weights + KV pool only; activations,
  /// CUDA graphs and runtime overhead must fit in the (1 - fraction) left outside it.
  bool reserves_outside_fraction = false;
  /// vLLM: one page size for every layer, so a recurrent layer's state page is padded to whole attention blocks.
  bool pads_recurrent_state_pages = true;
};
/// The built-in profile of `e`, read from data/engine/profiles.json.
EngineProfile DefaultEngineProfile(Engine e);

/// --max-num-seqs as the engine resolves it when the user leaves it out (`max_num_seqs` = 0): the
/// GPU row's engine default (data/hardware: vLLM's 1024 on large GPUs) when it has one, else the
/// profile's default_max_num_seqs.
int EffectiveMaxNumSeqs(const EngineProfile& e, const GpuSpec& g, int max_num_seqs);

struct Deployment {
  GpuSpec gpu;
  Parallelism parallel;
  WeightPrecision weights;
  DType kv_dtype = DType::kBF16;
  EngineProfile engine;
  int64_t max_model_len = 0;  // 0 = not set (the model's max context applies; warned when long)
  int max_num_seqs = 0;       // 0 = not set
};

}  // namespace capplan
