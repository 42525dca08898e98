// Peak throughput lookups with the fallback rule for compute classes a GPU lacks.
#include "capplan/hardware.h"

namespace capplan {

bool HasNativeCompute(const GpuSpec& g, ComputeClass c) {
  auto it = g.dense_peak.find(c);
  return it != g.dense_peak.end() && it->second.v > 0;
}

FlopsPerSec PeakFlops(const GpuSpec& g, ComputeClass c) {
  // Weights in a class the GPU lacks are dequantized to the next wider class it has:
  // FP4 -> FP8 -> BF16, INT8 -> BF16 (e.g. FP8 checkpoints on A100 run through W8A16 kernels).
  switch (c) {
    case ComputeClass::kFP4:
      if (HasNativeCompute(g, c)) return g.dense_peak.at(c);
      [[fallthrough]];
    case ComputeClass::kFP8:
      if (HasNativeCompute(g, ComputeClass::kFP8)) return g.dense_peak.at(ComputeClass::kFP8);
      break;
    case ComputeClass::kINT8:
      if (HasNativeCompute(g, c)) return g.dense_peak.at(c);
      break;
    case ComputeClass::kBF16:
      break;
  }
  auto it = g.dense_peak.find(ComputeClass::kBF16);
  return it == g.dense_peak.end() ? FlopsPerSec{} : it->second;
}

}  // namespace capplan
