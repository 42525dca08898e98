// The step model's hook into the model's per-layer accounting for the 2026 families: recurrent
// layers move their state whatever the context, sparse (DSA) layers read top-k latents plus the
// indexer keys. Differences of two contexts isolate the context-dependent bytes, checked by hand.
#include <gtest/gtest.h>

#include "capplan/perf.h"

namespace capplan {
namespace {

Deployment On(const char* gpu, Parallelism p) {
  return Deployment{.gpu = *GpuCatalog::BuiltIn().Find(gpu),
                    .parallel = p,
                    .weights = UniformWeightPrecision(DType::kBF16),
                    .kv_dtype = DType::kBF16,
                    .engine = DefaultEngineProfile(Engine::kVllm)};
}

// Qwen3.5-35B-A3B on one H200: only the 10 full-attention layers read more KV as context grows
// (2 KV heads x 256 x 2 x 2 B = 2 KiB per token per layer); the 30 Gated DeltaNet layers read and write
// their 2 MiB + 48 KiB state once per sequence at any context.
TEST(HybridStep, GatedDeltaNetLayersReadTheirStateWhateverTheContext) {
  const ModelSpec m = *LoadPreset("qwen3.5-35b-a3b");
  const RooflineStepTimeModel model(m, On("h200-sxm", {}), CalibrationFor(*GpuCatalog::BuiltIn().Find("h200")));
  const double b8k = model.Breakdown(DecodeShape(32, 8192)).bytes_read.v;
  const double b16k = model.Breakdown(DecodeShape(32, 16384)).bytes_read.v;
  EXPECT_NEAR(b16k - b8k, 32.0 * 8192 * 2048 * 10, 1.0);
  // The state term: a batch of 32 moves 30 x 2 x (2 MiB + 48 KiB) per sequence more than a batch of 31,
  // besides the attention KV of one more sequence and its share of the weights read (not context-dependent).
  const double state = 30.0 * 2 * (2.0 * 1024 * 1024 + 48 * 1024);
  EXPECT_GT(model.Breakdown(DecodeShape(32, 64)).bytes_read.v - model.Breakdown(DecodeShape(31, 64)).bytes_read.v,
            state);
}

// DeepSeek-V3.2 on 8 x H200 (TP 8): past index_topk = 2048 tokens a decode reads 2048 latents (576 x 2 B) and
// the indexer keys of the whole context (132 B each), per layer: from 32k to 64k only the keys grow.
TEST(HybridStep, SparseAttentionReadsTopKLatentsAndScansTheIndexerKeys) {
  const ModelSpec m = *LoadPreset("deepseek-v3.2");
  const RooflineStepTimeModel model(m, On("h200-sxm", {.tp = 8, .ep = 8}),
                                    CalibrationFor(*GpuCatalog::BuiltIn().Find("h200")));
  const double b32k = model.Breakdown(DecodeShape(16, 32768)).bytes_read.v;
  const double b64k = model.Breakdown(DecodeShape(16, 65536)).bytes_read.v;
  EXPECT_NEAR(b64k - b32k, 16.0 * 32768 * 132 * 61, 1.0);  // summation rounding only
  // DeepSeek-V3 (dense MLA) reads the whole latent instead: 1152 B per token per layer.
  const ModelSpec v3 = *LoadPreset("deepseek-v3");
  const RooflineStepTimeModel dense(v3, On("h200-sxm", {.tp = 8, .ep = 8}),
                                    CalibrationFor(*GpuCatalog::BuiltIn().Find("h200")));
  EXPECT_NEAR(
      dense.Breakdown(DecodeShape(16, 65536)).bytes_read.v - dense.Breakdown(DecodeShape(16, 32768)).bytes_read.v,
      16.0 * 32768 * 1152 * 61, 1.0);
}

}  // namespace
}  // namespace capplan
