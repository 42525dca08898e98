// How one replica's weights, KV cache and activations land on each GPU: layers split into
// pipeline stages, components split by TP / EP within a stage. Private to the memory module.
#pragma once

#include <vector>

#include "capplan/deployment.h"

namespace capplan {

struct StageRange {
  int first_layer = 0;
  int num_layers = 0;
};
/// vLLM's split (vllm/distributed/utils.py get_pp_indices): L / pp layers per stage, the
/// remainder given one each to the stages before the last (which also holds the LM head).
std::vector<StageRange> PipelineStages(int num_layers, int pp);

/// One GPU's shard of the weights on `stage`: attention, dense MLPs, shared experts, embedding
/// and LM head split by TP (replicated KV projections when TP exceeds the KV heads; MLA
/// down-projections replicated); routed experts split over the stage's tp GPUs (ep experts
/// groups x tp/ep shards); routers and norms replicated; embedding and vision on the first stage,
/// LM head and final norm on the last.
WeightBytes StageWeightsPerGpu(const ModelSpec& m, const WeightPrecision& w, const Parallelism& p,
                               const std::vector<StageRange>& stages, int stage);

/// What one sequence of `context` tokens holds on one GPU of `stage`: KV (and indexer keys) that
/// grow with context, in whole paged blocks, and recurrent state that does not, in the engine's
/// pages (vLLM pads state pages to the attention page; see StageSequenceCache in shard.cc).
struct SequenceCache {
  Bytes kv;
  Bytes state;
  Bytes Total() const { return kv + state; }
};
SequenceCache StageSequenceCache(const ModelSpec& m, const Parallelism& p, DType kv, const EngineProfile& e,
                                 const StageRange& stage, int64_t context);
/// StageSequenceCache's total (see KvBytesPerSequencePerGpu in memory.h).
Bytes StageKvBytesPerSequence(const ModelSpec& m, const Parallelism& p, DType kv, const EngineProfile& e,
                              const StageRange& stage, int64_t context);

/// Peak activation memory of one GPU for the largest prefill chunk (max_num_batched_tokens), see
/// docs/memory.md "Activations".
Bytes ActivationBytesPerGpu(const ModelSpec& m, const Parallelism& p, const EngineProfile& e, int max_num_seqs);

}  // namespace capplan
