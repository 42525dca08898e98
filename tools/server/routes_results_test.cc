// POST /api/perf, /api/simulate, /api/plan: the CLI's --json documents, the same validation, bounded work.
#include <gtest/gtest.h>

#include "decode.h"
#include "routes.h"

namespace capplan::server {
namespace {

TEST(PerfRoute, AnswersWithThePerfKeysOfTheCli) {
  ApiResponse r = HandlePerf(R"({"model": {"preset": "llama-4-scout"}, "gpu": "h100", "gpus": 4,
                                 "weights": "bf16", "input": 1000, "output": 500, "batch": 16})");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_GT(r.body["decode"]["step_seconds"].get<double>(), 0);
  EXPECT_LT(r.body["decode"]["tokens_per_second"].get<double>(), 10000);  // docs/perf.md
  EXPECT_GT(r.body["prefill"]["ttft_seconds"].get<double>(), 0);
  EXPECT_GT(r.body["max_load"]["output_tokens_per_second"].get<double>(), 0);
  EXPECT_TRUE(r.body["curve"].is_array());
  EXPECT_EQ(r.body["layout"]["tp"], 4);
  EXPECT_TRUE(r.body["layout"]["auto"].get<bool>());
}

TEST(PerfRoute, DenseOfTotalSizePredictsLessThanTheMoe) {
  // The UI's "count active parameters" toggle: ignore_active sizes the model as dense at its total size.
  const char* moe = R"({"model": {"preset": "mixtral-8x7b"}, "gpu": "h100", "gpus": 2, "batch": 4})";
  const char* dense =
      R"({"model": {"preset": "mixtral-8x7b", "ignore_active": true}, "gpu": "h100", "gpus": 2, "batch": 4})";
  ApiResponse a = HandlePerf(moe), b = HandlePerf(dense);
  ASSERT_EQ(a.status, 200) << a.body.dump();
  ASSERT_EQ(b.status, 200) << b.body.dump();
  EXPECT_GT(a.body["decode"]["tokens_per_second"].get<double>(), b.body["decode"]["tokens_per_second"].get<double>());
}

TEST(PerfRoute, BadInputIsA4xxNamingTheField) {
  ApiResponse wrong_type = HandlePerf(R"({"model": {"preset": "llama-3.1-8b"}, "input": "many"})");
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_EQ(wrong_type.body["error"]["field"], "input");
  ApiResponse out_of_range = HandlePerf(R"({"model": {"preset": "llama-3.1-8b"}, "batch": 0})");
  EXPECT_EQ(out_of_range.status, 400);
  EXPECT_EQ(out_of_range.body["error"]["field"], "batch");
  ApiResponse unknown = HandlePerf(R"({"model": {"preset": "llama-3.1-8b"}, "gpu_count": 2})");
  EXPECT_EQ(unknown.status, 400);
  ApiResponse malformed = HandlePerf("{\"model\": ");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.body["error"]["code"], "parse_error");
  ApiResponse no_fit =
      HandlePerf(R"({"model": {"preset": "llama-4-scout"}, "gpu": "h100", "gpus": 1, "weights": "bf16"})");
  EXPECT_EQ(no_fit.status, 422);
  EXPECT_NE(no_fit.body["error"]["message"].get<std::string>().find("does not fit"), std::string::npos);
}

TEST(SimulateRoute, AnswersWithPercentilesAndThroughput) {
  ApiResponse r = HandleSimulate(R"({"model": {"preset": "llama-3.1-8b"}, "gpu": "h100", "rate": 5,
                                     "input": 500, "output": 100, "requests": 300})");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["completed_requests"], 300);
  EXPECT_GT(r.body["ttft_seconds"]["p95"].get<double>(), 0);
  EXPECT_GE(r.body["ttft_seconds"]["p99"].get<double>(), r.body["ttft_seconds"]["p50"].get<double>());
  EXPECT_GT(r.body["throughput"]["output_tokens_per_second"].get<double>(), 0);
}

TEST(SimulateRoute, SweepFindsTheHighestRateMeetingTheTargets) {
  ApiResponse r = HandleSimulate(R"({"model": {"preset": "llama-3.1-8b"}, "gpu": "h100", "rate": 4, "input": 500,
                                     "output": 100, "requests": 200, "sweep": true, "slo_tpot_p95_seconds": 0.03})");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_TRUE(r.body["found"].get<bool>());
  EXPECT_GT(r.body["max_rate_per_second"].get<double>(), 0);
  EXPECT_GE(r.body["points"].size(), 2u);
}

// Issue 17: a client that disconnected did not stop its work. The budget's probe reports it gone; the simulation
// stops while running (the probe is polled every 256 steps) with the reason.
TEST(SimulateRoute, AGoneClientStopsTheSimulationWhileItRuns) {
  int polls = 0;
  WorkBudget budget(int64_t{1} << 40, WorkBudget::Clock::now(), std::chrono::hours(1),
                    [&polls] { return ++polls > 3; });
  ApiResponse r = HandleSimulate(R"({"model": {"preset": "llama-3.1-8b"}, "gpu": "h100", "rate": 50, "input": 2000,
                                     "output": 2000, "requests": 20000})",
                                 &budget);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.body["error"]["message"], "request: cancelled, the client disconnected");
  EXPECT_EQ(polls, 4);
  // Stopped after 4 polls x 256 steps of at most 256 sequences each, not the ~4e7 of the whole run.
  EXPECT_LT(budget.spent(), 4 * 256 * 256);
}

TEST(PlanRoute, AnExhaustedBudgetIsTheAnswerNotAPlanOfFailedSimulations) {
  WorkBudget budget(1000, WorkBudget::Clock::now(), std::chrono::hours(1));
  ApiResponse r =
      HandlePlan(R"({"model": {"preset": "llama-3.1-8b"}, "gpus_allowed": ["h100"], "finalists": 2})", &budget);
  EXPECT_EQ(r.status, 413) << r.body.dump();
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("more work than the limit of 1000"), std::string::npos);
}

TEST(SimulateRoute, WorkOverTheLimitIsRefusedWithTheLimit) {
  // 20,000 requests x 20,000 tokens = 4e8 simulated tokens > json::kMaxSimulatedTokens (2e8).
  ApiResponse r = HandleSimulate(R"({"model": {"preset": "llama-3.1-8b"}, "gpu": "h100", "input": 19000,
                                     "output": 1000, "requests": 20000})");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.body["error"]["code"], "resource_limit");
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("over the server's limit"), std::string::npos);
  ApiResponse too_many = HandleSimulate(R"({"model": {"preset": "llama-3.1-8b"}, "requests": 20001})");
  EXPECT_EQ(too_many.status, 400);
  EXPECT_EQ(too_many.body["error"]["field"], "requests");
  ApiResponse sweep_without_targets = HandleSimulate(R"({"model": {"preset": "llama-3.1-8b"}, "sweep": true})");
  EXPECT_EQ(sweep_without_targets.status, 400);
}

TEST(PlanRoute, RecommendsAndComparesWithApis) {
  ApiResponse r = HandlePlan(R"({"model": {"preset": "llama-4-scout"}, "gpus_allowed": ["h100"], "finalists": 1})");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  ASSERT_TRUE(r.body["feasible"].get<bool>());
  EXPECT_EQ(r.body["recommended"]["gpu"], "h100-sxm");
  EXPECT_GT(r.body["recommended"]["cost"]["usd_per_month"].get<double>(), 0);
  EXPECT_GT(r.body["recommended"]["latency"]["tpot_seconds"]["p95"].get<double>(), 0);
  EXPECT_NE(r.body["recommended"]["launch"]["vllm"].get<std::string>().find("--max-num-seqs"), std::string::npos);
  EXPECT_FALSE(r.body["api_comparison"].empty());
  EXPECT_GT(r.body["api_comparison"][0]["crossover_tokens_per_month"].get<double>(), 0);
}

TEST(PlanRoute, InfeasibleIsAnAnswerWithTheWayOut) {
  ApiResponse r = HandlePlan(R"({"model": {"preset": "llama-3.1-405b"}, "gpus_allowed": ["l4"], "finalists": 0})");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_FALSE(r.body["feasible"].get<bool>());
  EXPECT_FALSE(r.body["suggestions"].empty());
}

TEST(PlanRoute, BadInputIsA4xx) {
  EXPECT_EQ(HandlePlan(R"({"model": {"preset": "llama-4-scout"}, "rate": -3})").status, 400);
  EXPECT_EQ(HandlePlan(R"({"model": {"preset": "llama-4-scout"}, "gpus_allowed": "h100"})").status, 400);
  EXPECT_EQ(HandlePlan(R"({"model": {"preset": "llama-4-scout"}, "gpus_allowed": ["tpu-v9"]})").status, 404);
  EXPECT_EQ(HandlePlan(R"({"model": {"preset": "llama-4-scout"}, "finalists": 99})").status, 400);
  EXPECT_EQ(HandlePlan(R"({"model": {"preset": "llama-4-scout"}, "rate": 3, "monthly_tokens": 1e9})").status, 400);
}

}  // namespace
}  // namespace capplan::server
