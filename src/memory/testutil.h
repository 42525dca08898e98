// Helpers shared by the memory module's tests.
#pragma once

#include <gtest/gtest.h>

#include <string_view>

#include "capplan/memory.h"

namespace capplan::testing {

inline ModelSpec Model(std::string_view preset) {
  auto m = LoadModel(preset);
  EXPECT_TRUE(m.ok()) << preset;
  return *m;
}

inline GpuSpec Gpu(std::string_view id) { return *GpuCatalog::BuiltIn().Find(id); }

/// A deployment with the default layout for `gpus` GPUs and the vLLM profile.
inline Deployment Deploy(const ModelSpec& m, std::string_view gpu, int gpus, WeightPrecision w,
                         Engine engine = Engine::kVllm) {
  Deployment d;
  d.gpu = Gpu(gpu);
  auto layout = DefaultLayout(m, d.gpu, gpus);
  EXPECT_TRUE(layout.ok()) << (layout.ok() ? "" : layout.error().message);
  d.parallel = layout.ok() ? *layout : Parallelism{};
  d.weights = w;
  d.engine = DefaultEngineProfile(engine);
  return d;
}

inline MemoryBudget Budget(const ModelSpec& m, const Deployment& d, int64_t context, int batch) {
  auto b = ComputeMemoryBudget(m, d, BudgetQuery{.context = context, .batch = batch});
  EXPECT_TRUE(b.ok()) << (b.ok() ? "" : b.error().message);
  return b.ok() ? *b : MemoryBudget{};
}

inline bool HasWarning(const MemoryBudget& b, std::string_view code) {
  for (const auto& w : b.warnings)
    if (w.code == code) return true;
  return false;
}

}  // namespace capplan::testing
