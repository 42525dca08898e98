// Simulator speed: 100,000 requests through one replica with the constant-time fake.
// Run: ./build/bench/capplan_sim_bench
#include <benchmark/benchmark.h>

#include "capplan/sim.h"
#include "sim/testutil.h"

namespace capplan {
namespace {

// Poisson arrivals at state.range(0) req/s, 512 prompt and 128 output tokens, 10 ms steps, up to
// 256 sequences per step: 256 x 100 steps/s / 128 tokens = 200 req/s saturate the replica, so 100
// is a loaded stable run (about 128 sequences per step) and 180 a heavy one (about 230 per step).
void BM_Simulate100kRequestsOneReplica(benchmark::State& state) {
  WorkloadSpec workload;
  workload.rate_per_second = static_cast<double>(state.range(0));
  workload.num_requests = 100'000;
  workload.input.value = 512;
  workload.output.value = 128;
  const auto requests = GenerateWorkload(workload, 1);
  const SimConfig config;
  const sim::ConstantStepTimeModel model{Seconds{0.010}};
  int64_t events = 0, steps = 0;
  for (auto _ : state) {
    auto result = Simulate(config, *requests, model);
    if (!result.ok()) state.SkipWithError(result.error().message.c_str());
    events = result->metrics.events;
    steps = result->metrics.steps;
    benchmark::DoNotOptimize(result);
  }
  state.counters["events"] = static_cast<double>(events);
  state.counters["steps"] = static_cast<double>(steps);
  state.counters["events_per_second"] = benchmark::Counter(
      static_cast<double>(events) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["sequences_per_step"] = 100'000.0 * 128 / static_cast<double>(steps);
}
BENCHMARK(BM_Simulate100kRequestsOneReplica)->Arg(100)->Arg(180)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace capplan

BENCHMARK_MAIN();
