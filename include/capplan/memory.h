// The per-GPU memory budget of a deployment (deployment.h): does it fit, and with how much KV room;
// layouts (checked, defaulted, resolved from a request) and the smallest fitting configurations.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "capplan/deployment.h"
#include "capplan/dtype.h"
#include "capplan/error.h"
#include "capplan/hardware.h"
#include "capplan/model.h"
#include "capplan/units.h"

namespace capplan {

/// Checks a layout against the model and engine rules (heads divisible by TP, experts by EP,
/// layers >= PP, ...). The error names the flag and the rule.
Status ValidateLayout(const ModelSpec& m, const Parallelism& p);

/// A sensible layout for `gpus` GPUs of this type: TP within a node as far as heads allow, EP for
/// MoE models when TP would over-shard small experts, PP across nodes.
Result<Parallelism> DefaultLayout(const ModelSpec& m, const GpuSpec& g, int gpus);

/// A layout from the flags a user gave: none -> DefaultLayout(gpus); --tp [--pp] [--dp-attention]
/// -> that replica, repeated gpus / (tp x dp-attention x pp) times (data parallel); --ep alone ->
/// the default layout with that ep; --moe-tp M gives E = T x A / M (both given: M x E = T x A is
/// checked). Errors name the flags and the rule: "--gpus=6 is not a multiple of --tp x
/// --dp-attention x --pp = 4".
struct LayoutRequest {
  int gpus = 0;
  std::optional<int> tp = std::nullopt;
  std::optional<int> ep = std::nullopt;
  std::optional<int> pp = std::nullopt;
  std::optional<int> dp_attention = std::nullopt;
  std::optional<int> moe_tp = std::nullopt;
  int eplb_redundant = 0;
};
Result<Parallelism> ResolveLayout(const ModelSpec& m, const GpuSpec& g, const LayoutRequest& r);

struct Warning {
  std::string code;  // "low_headroom", "batch_ceiling", "unbounded_context", "fp8_halves_gpus", "simple_total_missing"
  std::string message;  // with its numbers
};

struct MemoryBudget {
  // Per GPU (the busiest rank: stage 0 holds the embedding; the last stage the LM head).
  WeightBytes weights;  // this GPU's shard of each component
  Bytes weights_total;
  Bytes kv_cache;  // the pool left for KV blocks (0 when it does not fit)
  Bytes activations;
  Bytes overhead;  // runtime + CUDA graphs
  Bytes capacity;  // usable memory x engine memory fraction
  Bytes free;      // capacity - everything, may be negative
  bool fits = false;
  std::string reason;  // why not, with numbers; empty when it fits
  // From the pool (whole replica view):
  Bytes kv_bytes_per_token_per_gpu;  // at this layout, averaged over layer kinds at `context`
  int64_t kv_tokens = 0;             // tokens the pool holds at `context` per sequence
  int max_concurrent_sequences = 0;  // at `context`, the whole replica (all attention-DP ranks)
  int64_t max_context_at_batch = 0;  // the longest context each of `batch` sequences can have
  int64_t context = 0;
  int batch = 0;
  std::vector<Warning> warnings;
  // Additions (see docs/memory.md):
  Bytes kv_bytes_per_sequence;  // one sequence of `context` tokens on the busiest-KV GPU, paged blocks rounded up
  Bytes kv_needed;              // batch_per_rank x kv_bytes_per_sequence (per GPU)
  int busiest_stage = 0;        // the pipeline stage whose GPU the per-GPU fields describe
  int64_t max_single_sequence =
      0;                   // the longest context one sequence can have: the largest --max-model-len that starts
  int batch_per_rank = 0;  // ceil(batch / dp_attention): the sequences the busiest attention rank holds
  /// The part of kv_bytes_per_sequence that is recurrent state (Gated DeltaNet, Mamba-2 layers):
  /// constant in context, in the engine's state pages. 0 for attention-only models.
  Bytes state_bytes_per_sequence;
};

struct BudgetQuery {
  int64_t context = 8192;  // tokens per sequence (input + output)
  int batch = 1;           // concurrent sequences the workload needs
};

/// REQUIRES nothing: input errors (context < 1, batch < 1, an invalid layout, context above
/// --max-model-len or the model's window) come back as Error; "does not fit" is a result.
Result<MemoryBudget> ComputeMemoryBudget(const ModelSpec& m, const Deployment& d, const BudgetQuery& q);

/// KV bytes one sequence of `context` tokens holds on one GPU of the busiest pipeline stage:
/// KV heads split by TP (one whole head per GPU when TP exceeds them), an MLA latent whole on
/// every GPU of the sequence's attention rank (each of the A attention-DP ranks holds only its own
/// sequences), sliding/chunked layers capped at their window when the engine allocates per layer
/// type, each layer rounded up to whole KV blocks.
Bytes KvBytesPerSequencePerGpu(const ModelSpec& m, const Parallelism& p, DType kv, const EngineProfile& e,
                               int64_t context);

/// The weight formats `capplan fit` tries on a GPU: the model's native scheme, bf16, fp8 (GPUs
/// with FP8 units), int4 (weights-only, any GPU) and nvfp4 (GPUs with FP4 units).
struct PrecisionChoice {
  std::string name;  // "native (mxfp4 experts)", "bf16", "fp8", "int4", "nvfp4"
  WeightPrecision weights;
};
std::vector<PrecisionChoice> CandidatePrecisions(const ModelSpec& m, const GpuSpec& g);

struct FitQuery {
  BudgetQuery workload;
  Engine engine = Engine::kVllm;
  DType kv_dtype = DType::kBF16;
  int max_gpus = 64;  // counts tried: 1, 2, 4, ... up to this
};
struct FitConfig {
  GpuSpec gpu;
  int gpus = 0;
  PrecisionChoice precision;
  Parallelism parallel;
  MemoryBudget budget;
};
/// For every GPU and precision, the smallest power-of-two GPU count whose default layout fits
/// the workload; ordered cheapest-looking first: by total TDP (gpus x tdp_watts), then by total
/// usable memory.
std::vector<FitConfig> MinimumViableConfigurations(const ModelSpec& m, const std::vector<GpuSpec>& gpus,
                                                   const FitQuery& q);

}  // namespace capplan
