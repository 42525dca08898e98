// `capplan fit`: for each GPU and weight format, the fewest GPUs (1, 2, 4, ...) that hold the
// model and the workload's KV, with a default layout.
#include <algorithm>
#include <string>

#include "memory/budget_core.h"

namespace capplan {

std::optional<int> MinGpusThatFit(const ModelSpec& m, const Deployment& base, const WeightPrecision& w,
                                  const BudgetQuery& q, int max_gpus) {
  for (int n = 1; n <= max_gpus; n *= 2) {
    auto layout = DefaultLayout(m, base.gpu, n);
    if (!layout.ok()) continue;
    Deployment d = base;
    d.weights = w;
    d.parallel = *layout;
    if (BudgetOf(m, d, q).fits) return n;
  }
  return std::nullopt;
}

std::vector<PrecisionChoice> CandidatePrecisions(const ModelSpec& m, const GpuSpec& g) {
  std::vector<PrecisionChoice> out;
  const WeightPrecision native = NativeWeightPrecision(m);
  const bool native_is_bf16 = native.base == DType::kBF16 && !native.linear && !native.routed_experts;
  if (!native_is_bf16)
    out.push_back(
        {"native (" + (m.native.description.empty() ? std::string("checkpoint") : m.native.description) + ")", native});
  out.push_back({"bf16", UniformWeightPrecision(DType::kBF16)});
  if (HasNativeCompute(g, ComputeClass::kFP8)) out.push_back({"fp8", UniformWeightPrecision(DType::kFP8)});
  out.push_back({"int4", UniformWeightPrecision(DType::kINT4)});
  // FP4 units run the GPU's own FP4 format (its catalog row: NVFP4 on NVIDIA, OCP MXFP4 on MI355X).
  if (HasNativeCompute(g, ComputeClass::kFP4)) {
    const DType fp4 = g.fp4_format;
    out.push_back({std::string(DTypeName(fp4)), UniformWeightPrecision(fp4)});
  }
  return out;
}

std::vector<FitConfig> MinimumViableConfigurations(const ModelSpec& m, const std::vector<GpuSpec>& gpus,
                                                   const FitQuery& q) {
  std::vector<FitConfig> out;
  if (q.workload.context < 1 || q.workload.batch < 1) return out;
  if (m.max_context > 0 && q.workload.context > m.max_context) return out;
  for (const auto& g : gpus) {
    if (g.memory_usable.v <= 0) continue;
    Deployment base;
    base.gpu = g;
    base.kv_dtype = q.kv_dtype;
    base.engine = DefaultEngineProfile(q.engine);
    for (const auto& choice : CandidatePrecisions(m, g)) {
      auto n = MinGpusThatFit(m, base, choice.weights, q.workload, q.max_gpus);
      if (!n) continue;
      Deployment d = base;
      d.weights = choice.weights;
      d.parallel = *DefaultLayout(m, g, *n);
      MemoryBudget b = BudgetOf(m, d, q.workload);
      b.warnings = BudgetWarnings(m, d, q.workload, b);
      out.push_back({.gpu = g, .gpus = *n, .precision = choice, .parallel = d.parallel, .budget = std::move(b)});
    }
  }
  // Cheapest-looking first: total TDP (a proxy for price that every catalog entry has), then
  // total usable memory, then the id for a stable order.
  std::stable_sort(out.begin(), out.end(), [](const FitConfig& a, const FitConfig& b) {
    const double pa = a.gpus * a.gpu.tdp_watts, pb = b.gpus * b.gpu.tdp_watts;
    if (pa != pb) return pa < pb;
    const double ma = a.gpus * a.gpu.memory_usable.v, mb = b.gpus * b.gpu.memory_usable.v;
    if (ma != mb) return ma < mb;
    return a.gpu.id < b.gpu.id;
  });
  return out;
}

}  // namespace capplan
