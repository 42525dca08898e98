#include "capplan/serve.h"

#include <gtest/gtest.h>

namespace capplan {
namespace {

Deployment OnH100(const ModelSpec& m, int max_num_seqs = 0) {
  return Deployment{.gpu = *GpuCatalog::BuiltIn().Find("h100"),
                    .parallel = {},
                    .weights = NativeWeightPrecision(m),
                    .engine = DefaultEngineProfile(Engine::kVllm),
                    .max_num_seqs = max_num_seqs};
}

ServeOptions At(int64_t context) {
  ServeOptions o;
  o.context = context;
  return o;
}

TEST(ServingBatchCap, IsTheEngineCapWhenTheKvPoolHoldsMore) {
  // Llama 3.1 8B on one H100 at 200 tokens: the pool holds over 2,000 sequences, vLLM's default is 1,024.
  const ModelSpec m = *LoadPreset("llama-3.1-8b");
  const Deployment d = OnH100(m);
  auto b = FittingBudget(m, d, BudgetQuery{.context = 200, .batch = 1});
  ASSERT_TRUE(b.ok());
  ASSERT_GT(b->max_concurrent_sequences, 1024);
  EXPECT_EQ(ServingBatchCap(d, *b, CalibrationFor(d)), 1024);
  EXPECT_EQ(ServingBatchCap(OnH100(m, 48), *b, CalibrationFor(d)), 48);  // --max-num-seqs
}

TEST(ServingBatchCap, IsTheKvPoolWhenItHoldsFewerSequences) {
  // At 100,000 tokens a sequence the pool holds a few sequences, far below 1,024 (the CLI and the API simulated
  // with 1,024 here, the online validation with the pool's count: issue 11's "each its own batch cap").
  const ModelSpec m = *LoadPreset("llama-3.1-8b");
  const Deployment d = OnH100(m);
  auto b = FittingBudget(m, d, BudgetQuery{.context = 100000, .batch = 1});
  ASSERT_TRUE(b.ok());
  ASSERT_LT(b->max_concurrent_sequences, 1024);
  EXPECT_EQ(ServingBatchCap(d, *b, CalibrationFor(d)), std::max(1, b->max_concurrent_sequences));
}

TEST(SetUpServing, UsesTheRuleAndTheDeploymentsReplicas) {
  const ModelSpec m = *LoadPreset("llama-3.1-8b");
  Deployment d = OnH100(m, 64);
  d.parallel.replicas = 3;
  ServeOptions o = At(1500);
  o.sim.seed = 7;
  auto s = SetUpServing(m, d, o);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->config.replicas, 3);
  EXPECT_EQ(s->config.seed, 7u);
  EXPECT_EQ(s->config.scheduler.max_num_seqs, 64);
  EXPECT_EQ(s->config.scheduler.kv_capacity_tokens, ReplicaKvTokens(s->budget));
  EXPECT_EQ(s->config.scheduler.kv_block_tokens, d.engine.kv_block_tokens);
}

TEST(SetUpServing, ADeploymentThatDoesNotFitIsInfeasible) {
  const ModelSpec m = *LoadPreset("llama-3.1-405b");
  auto s = SetUpServing(m, OnH100(m), At(1500));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInfeasible);
  EXPECT_FALSE(SetUpServing(m, OnH100(m), At(0)).ok());
}

TEST(SimulateDeployment, ServesEveryRequest) {
  const ModelSpec m = *LoadPreset("llama-3.1-8b");
  WorkloadSpec w;
  w.rate_per_second = 2;
  w.input = {.kind = LengthDistribution::kFixed, .value = 1000};
  w.output = {.kind = LengthDistribution::kFixed, .value = 100};
  w.num_requests = 50;
  auto r = SimulateDeployment(m, OnH100(m), w, At(1100));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->metrics.completed_requests, 50);
}

}  // namespace
}  // namespace capplan
