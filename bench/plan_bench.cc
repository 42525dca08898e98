// capplan plan on the scenarios issue 16 measured as slow (the default chat plan; a 1M-token prompt at 0.1
// requests/s that took 3 min 41 s; a monthly-volume plan the web planner sent; 20,000-token answers and 100,000-token
// prompts, which the web planner found slow). Each must answer in under 2 s on
// the CI machine's 2 cores: `./build/bench/capplan_plan_bench`. Issue 14's DeepSeek-R1 plan (8000-token prompts at
// 20 requests/s), which searches aggregated, attention-DP and disaggregated candidates, must answer in under 5 s.
#include <benchmark/benchmark.h>

#include "capplan/search.h"

namespace capplan {
namespace {

PlanRequest Scout() {
  PlanRequest r;
  r.model = *LoadPreset("llama-4-scout");
  r.preset = "llama-4-scout";
  return r;
}

void Run(benchmark::State& state, const PlanRequest& r) {
  const auto prices = PriceCatalog::BuiltIn();
  for (auto _ : state) {
    auto plan = Plan(r, GpuCatalog::BuiltIn(), *prices, Date{2026, 12, 1});
    benchmark::DoNotOptimize(plan);
  }
}

void BM_PlanDefaultChat(benchmark::State& state) { Run(state, Scout()); }
BENCHMARK(BM_PlanDefaultChat)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_PlanMillionTokenPrompts(benchmark::State& state) {
  PlanRequest r = Scout();
  r.input_tokens = 1'000'000;
  r.output_tokens = 1000;
  r.rate_per_second = 0.1;
  r.slo_ttft_p95 = Seconds{60};
  Run(state, r);
}
BENCHMARK(BM_PlanMillionTokenPrompts)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_PlanMonthlyTokens(benchmark::State& state) {
  PlanRequest r = Scout();
  r.rate_per_second = RateFromMonthlyTokens(100e9, r.input_tokens, r.output_tokens);  // the web's 100B tokens/month
  Run(state, r);
}
BENCHMARK(BM_PlanMonthlyTokens)->Unit(benchmark::kMillisecond)->Iterations(3);

// Long answers (20,000 output tokens): each confirming request is in 20,000 steps, so the simulations are sized by
// sequence-steps and the decode context binned in the step cache (12.7 s before both).
void BM_PlanLongAnswers(benchmark::State& state) {
  PlanRequest r = Scout();
  r.output_tokens = 20'000;
  Run(state, r);
}
BENCHMARK(BM_PlanLongAnswers)->Unit(benchmark::kMillisecond)->Iterations(2);

// Long prompts (100,000 tokens) at the default rate and targets.
void BM_PlanLongPrompts(benchmark::State& state) {
  PlanRequest r = Scout();
  r.input_tokens = 100'000;
  Run(state, r);
}
BENCHMARK(BM_PlanLongPrompts)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_PlanDeepSeekDisaggregated(benchmark::State& state) {
  PlanRequest r;
  r.model = *LoadPreset("deepseek-r1");
  r.preset = "deepseek-r1";
  r.input_tokens = 8000;
  r.output_tokens = 1000;
  r.rate_per_second = 20;
  Run(state, r);
}
BENCHMARK(BM_PlanDeepSeekDisaggregated)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace
}  // namespace capplan

BENCHMARK_MAIN();
