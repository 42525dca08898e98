// Modelling constants of the memory budget, each with its source (docs/memory.md repeats them).
#pragma once

#include "capplan/hardware.h"
#include "capplan/memory.h"
#include "capplan/units.h"

namespace capplan {

/// Memory CUDA graph capture keeps per GPU. vLLM logs "Graph capturing finished ... took
/// 0.3-1.0 GiB" for its default capture sizes (up to 512) on 8B-70B models; the upper half taken.
inline constexpr Bytes kCudaGraphBytes = GiB(0.75);
/// CUDA context (~0.5 GiB on Hopper), cuBLAS/cuBLASLt workspaces and NCCL buffers: vLLM's
/// profiler reports this as "non-torch memory", 0.5-1.5 GiB with tensor parallelism.
inline constexpr Bytes kRuntimeOverheadBytes = GiB(1.0);
/// vLLM's larger defaults apply from this much device memory.
inline constexpr double kVllmLargeGpuGiB = 70;
inline constexpr int kVllmLargeGpuMaxNumSeqs = 1024;
/// Activations are stored in the compute dtype (BF16); the sampler works on FP32 logits.
inline constexpr double kActivationBytesPerElement = 2;
inline constexpr double kLogitBytesPerElement = 4;
/// Hidden-size tensors alive at once in a decoder layer: input, residual, normed input, output.
inline constexpr int kLiveHiddenTensors = 4;
/// Logits and their probabilities (softmax output) are both alive in the sampler.
inline constexpr int kLiveLogitTensors = 2;
/// Warnings.
inline constexpr double kLowHeadroomFraction = 0.10;
/// near_limit: a deployment that fits with less than this free per GPU after the workload's KV is one allocator
/// fragment, NCCL buffer or CUDA-graph pool away from an OOM at start-up (engines' own margins are of this order:
/// vLLM profiles its peak and keeps 1 - --gpu-memory-utilization back; a GiB or two is what fragmentation and
/// driver growth take in practice). The larger of an absolute and a relative margin.
inline constexpr double kNearLimitBytes = 2.0 * 1024 * 1024 * 1024;
inline constexpr double kNearLimitFraction = 0.02;

/// --max-num-seqs as the engine resolves it when the user leaves it out.
int EffectiveMaxNumSeqs(const EngineProfile& e, const GpuSpec& g, int max_num_seqs);

}  // namespace capplan
