// Modelling constants of the memory budget, each with its source (docs/memory.md repeats them). The engines'
// defaults are data: data/engine/profiles.json.
#pragma once

#include "capplan/units.h"

namespace capplan {

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

}  // namespace capplan
