// How long the analytic model takes: one step, one configuration's full prediction, and one closed-loop steady state.
// Run: ./build/bench/capplan_perf_bench
#include <benchmark/benchmark.h>

#include "capplan/perf.h"

namespace capplan {
namespace {

Deployment ScoutOn4H100() {
  const ModelSpec m = *LoadPreset("llama-4-scout");
  const GpuSpec g = *GpuCatalog::BuiltIn().Find("h100-sxm");
  Deployment d{.gpu = g,
               .parallel = {.tp = 4, .ep = 4},
               .weights = UniformWeightPrecision(DType::kBF16),
               .kv_dtype = DType::kBF16,
               .engine = DefaultEngineProfile(Engine::kVllm)};
  return d;
}

void BM_DecodeStepTime(benchmark::State& state) {
  const ModelSpec m = *LoadPreset("llama-4-scout");
  const Deployment d = ScoutOn4H100();
  const RooflineStepTimeModel model(m, d, CalibrationFor(d));
  const BatchShape shape = DecodeShape(static_cast<int>(state.range(0)), 1250);
  for (auto _ : state) benchmark::DoNotOptimize(model.StepTime(shape));
}
BENCHMARK(BM_DecodeStepTime)->Arg(16)->Arg(256);

void BM_FullPrediction(benchmark::State& state) {
  const ModelSpec m = *LoadPreset("llama-4-scout");
  const Deployment d = ScoutOn4H100();
  for (auto _ : state) {
    auto p = PredictPerformance(m, d, PerfQuery{.input_tokens = 1000, .output_tokens = 500, .batch = 16});
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_FullPrediction)->Unit(benchmark::kMicrosecond);

// The closed loop's analytic steady state under each engine's prefill policy (what `capplan validate` evaluates
// per aggregated sweep row, and `capplan perf --concurrency` once): 64 clients, 1024 in / 1024 out.
void BM_ClosedLoopSteadyState(benchmark::State& state) {
  const ModelSpec m = *LoadPreset("llama-4-scout");
  const Deployment d = ScoutOn4H100();
  const RooflineStepTimeModel model(m, d, CalibrationFor(d));
  const auto policy = static_cast<PrefillPolicy>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(ClosedLoopSteadyState(model, 64, 1024, 1024, 256, 1000, policy));
}
BENCHMARK(BM_ClosedLoopSteadyState)
    ->Arg(static_cast<int>(PrefillPolicy::kMixedChunked))
    ->Arg(static_cast<int>(PrefillPolicy::kPrefillFirst))
    ->Arg(static_cast<int>(PrefillPolicy::kMixedWhole))
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace capplan

BENCHMARK_MAIN();
