// POST /api/fit, GET /api/providers, POST /api/cost and /api/plan's traffic profile: the CLI's --json documents (the
// same encoders), priced, with errors naming the field.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "cli_json.h"
#include "routes.h"

namespace capplan::server {
namespace {

TEST(FitRoute, AnswersWithTheKeysOfTheCliPlusTheCheapestPrice) {
  ApiResponse r = HandleFit(R"({"model": {"preset": "llama-4-scout"}, "context": 8192, "batch": 16})");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const nlohmann::json& configs = r.body["configurations"];
  ASSERT_GE(configs.size(), 2u);
  EXPECT_EQ(r.body["model"], "llama-4-scout");
  EXPECT_EQ(r.body["context_tokens"], 8192);
  EXPECT_EQ(r.body["batch"], 16);
  bool priced = false;
  for (const auto& c : configs) {
    for (const char* k : {"gpu", "gpus", "weights", "layout", "per_gpu", "fits", "max_concurrent_sequences",
                          "total_tdp_watts", "provider", "usd_per_month", "usd_per_hour", "gpus_billed"})
      EXPECT_TRUE(c.contains(k)) << k << " in " << c.dump();
    if (c["usd_per_month"].is_number()) {
      priced = true;
      // A month is 730 hours of the cheapest rental (docs/cost.md), whole instances billed.
      EXPECT_DOUBLE_EQ(c["usd_per_month"].get<double>(), c["usd_per_hour"].get<double>() * 730);
      EXPECT_GE(c["gpus_billed"].get<int>(), c["gpus"].get<int>());
      EXPECT_FALSE(c["provider"].get<std::string>().empty());
    }
  }
  EXPECT_TRUE(priced);
}

TEST(FitRoute, SameConfigurationsAsTheCli) {
  nlohmann::json cli = CliJson("fit llama-4-scout --context 8192 --batch 16 --json");
  if (cli.is_null()) GTEST_SKIP() << "no capplan binary at " << CAPPLAN_CLI_PATH;
  ApiResponse r = HandleFit(R"({"model": {"preset": "llama-4-scout"}, "context": 8192, "batch": 16})");
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(cli["configurations"].size(), r.body["configurations"].size());
  for (size_t i = 0; i < cli["configurations"].size(); ++i)
    EXPECT_EQ(r.body["configurations"][i], cli["configurations"][i]) << i;  // prices included
}

TEST(FitRoute, BadInputIsA4xxNamingTheField) {
  ApiResponse no_model = HandleFit(R"({"context": 8192})");
  EXPECT_EQ(no_model.status, 400);
  EXPECT_EQ(no_model.body["error"]["field"], "model");
  ApiResponse batch = HandleFit(R"({"model": {"preset": "llama-4-scout"}, "batch": 0})");
  EXPECT_EQ(batch.status, 400);
  EXPECT_EQ(batch.body["error"]["field"], "batch");
  ApiResponse unknown = HandleFit(R"({"model": {"preset": "llama-4-scout"}, "gpus": 4})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body["error"]["message"].get<std::string>().find("unknown field \"gpus\""), std::string::npos);
  ApiResponse engine = HandleFit(R"({"model": {"preset": "llama-4-scout"}, "engine": "tgi"})");
  EXPECT_EQ(engine.status, 400);
  EXPECT_EQ(engine.body["error"]["field"], "engine");
  ApiResponse preset = HandleFit(R"({"model": {"preset": "llama-9"}})");
  EXPECT_EQ(preset.status, 404);
  ApiResponse too_long = HandleFit(R"({"model": {"preset": "llama-3.1-8b"}, "context": 1000000})");
  EXPECT_EQ(too_long.status, 400);
  EXPECT_EQ(too_long.body["error"]["field"], "context");
  EXPECT_NE(too_long.body["error"]["message"].get<std::string>().find("exceeds the model's context"),
            std::string::npos);
}

TEST(ProvidersRoute, ListsEveryProviderOfTheCatalog) {
  ApiResponse r = HandleProviders();
  ASSERT_EQ(r.status, 200);
  const auto gpu = r.body["gpu_providers"].get<std::vector<std::string>>();
  for (const char* p : {"RunPod", "Lambda", "CoreWeave", "AWS"})
    EXPECT_NE(std::find(gpu.begin(), gpu.end(), p), gpu.end()) << p;
  EXPECT_FALSE(r.body["api_providers"].empty());
}

TEST(CostRoute, PricesTheDeploymentAtEveryProviderOfItsGpu) {
  ApiResponse r = HandleCost(R"({"model": {"preset": "llama-4-scout"}, "gpu": "h100", "gpus": 4, "weights": "bf16"})");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  std::vector<std::string> names;
  for (const auto& p : r.body["providers"]) {
    names.push_back(p["provider"].get<std::string>());
    // A month is 730 hours (docs/cost.md); whole instances are billed: 4 GPUs on an 8-GPU node bill 8.
    EXPECT_DOUBLE_EQ(p["usd_per_month"].get<double>(), p["usd_per_hour"].get<double>() * 730);
    EXPECT_EQ(p["gpus_billed"].get<int>() % p["gpus_per_instance"].get<int>(), 0);
    EXPECT_GE(p["gpus_billed"].get<int>(), 4);
    if (p["provider"] == "CoreWeave") {
      EXPECT_EQ(p["gpus_billed"], 8);
    }
  }
  for (const char* p : {"RunPod", "Lambda", "CoreWeave", "AWS"})
    EXPECT_NE(std::find(names.begin(), names.end(), p), names.end()) << p;
}

TEST(CostRoute, AnUnknownProviderIsAnErrorNamingTheJsonField) {
  ApiResponse cost = HandleCost(R"({"model": {"preset": "llama-4-scout"}, "gpu": "h100", "gpus": 4,
                                    "weights": "bf16", "providers": ["lamda"]})");
  EXPECT_EQ(cost.status, 404);
  EXPECT_EQ(cost.body["error"]["field"], "providers");
  EXPECT_EQ(cost.body["error"]["message"].get<std::string>().rfind("request: providers: unknown provider 'lamda'", 0),
            0u)
      << cost.body.dump();
  ApiResponse plan = HandlePlan(R"({"model": {"preset": "llama-4-scout"}, "providers": ["lamda"]})");
  EXPECT_EQ(plan.status, 404);
  EXPECT_EQ(plan.body["error"]["field"], "providers");
  EXPECT_EQ(plan.body["error"]["message"].get<std::string>().rfind("request: providers: unknown provider 'lamda'", 0),
            0u)
      << plan.body.dump();
}

constexpr const char* kDiurnal =
    R"({"model": {"preset": "llama-4-scout"}, "traffic_profile": "diurnal:peak=15,trough=2"})";

TEST(PlanTrafficProfile, AnswersWithTheFleetOfTheCli) {
  ApiResponse r = HandlePlan(kDiurnal);
  ASSERT_EQ(r.status, 200) << r.body.dump();
  ASSERT_TRUE(r.body["feasible"].get<bool>());
  const nlohmann::json& f = r.body["fleet"];
  for (const char* k :
       {"static_gpu_hours_per_day", "autoscaled_gpu_hours_per_day", "usd_per_month_static", "usd_per_month_autoscaled",
        "slo_attainment", "replicas_by_hour", "requests_per_second_by_hour", "candidate", "ramps", "api_comparison"})
    EXPECT_TRUE(f.contains(k)) << k;
  ASSERT_EQ(f["replicas_by_hour"].size(), 24u);
  // By hand: static = the peak hour's replicas all day; autoscaled = the sum of each hour's replicas.
  const int per_replica = f["candidate"]["gpu_count"].get<int>() / f["candidate"]["layout"]["replicas"].get<int>();
  int peak = 0, sum = 0;
  for (const auto& n : f["replicas_by_hour"]) {
    peak = std::max(peak, n.get<int>());
    sum += n.get<int>();
  }
  EXPECT_DOUBLE_EQ(f["static_gpu_hours_per_day"].get<double>(), peak * per_replica * 24.0);
  EXPECT_DOUBLE_EQ(f["autoscaled_gpu_hours_per_day"].get<double>(), sum * per_replica * 1.0);
  EXPECT_LT(f["autoscaled_gpu_hours_per_day"].get<double>(), f["static_gpu_hours_per_day"].get<double>());
  EXPECT_LT(f["usd_per_month_autoscaled"].get<double>(), f["usd_per_month_static"].get<double>());
  EXPECT_GT(f["slo_attainment"].get<double>(), 0.5);
  EXPECT_LE(f["slo_attainment"].get<double>(), 1.0);
  EXPECT_FALSE(f["ramps"].empty());

  nlohmann::json cli = CliJson("plan --traffic-profile diurnal:peak=15,trough=2 --json");
  if (cli.is_null()) GTEST_SKIP() << "no capplan binary at " << CAPPLAN_CLI_PATH;
  // The same arithmetic as the CLI (the attainment differs: the server simulates fewer requests per stretch).
  for (const char* k : {"static_gpu_hours_per_day", "autoscaled_gpu_hours_per_day", "usd_per_month_static",
                        "usd_per_month_autoscaled", "replicas_by_hour", "profile", "candidate"})
    EXPECT_EQ(f[k], cli["fleet"][k]) << k;
  for (auto& [k, v] : cli["fleet"].items()) EXPECT_TRUE(f.contains(k)) << k;
}

TEST(PlanTrafficProfile, TwentyFourHourlyRates) {
  nlohmann::json flat = {{"model", {{"preset", "llama-4-scout"}}}, {"traffic_profile", std::vector<double>(24, 15.0)}};
  ApiResponse r = HandlePlan(flat.dump());
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const nlohmann::json& f = r.body["fleet"];
  // A flat day: nothing to scale down; the autoscaled fleet is the static one.
  EXPECT_EQ(f["static_gpu_hours_per_day"], f["autoscaled_gpu_hours_per_day"]);
  EXPECT_EQ(f["profile"], "flat: 15 req/s all day");
  EXPECT_TRUE(f["ramps"].empty());
  ApiResponse without = HandlePlan(R"({"model": {"preset": "llama-4-scout"}, "rate": 15})");
  ASSERT_EQ(without.status, 200);
  EXPECT_FALSE(without.body.contains("fleet"));
  // The same plan as the rate: the recommendation is sized for the peak hour.
  EXPECT_EQ(r.body["recommended"]["gpu"], without.body["recommended"]["gpu"]);
}

TEST(PlanTrafficProfile, BadProfilesAre400sNamingTheField) {
  for (const char* body : {
           R"({"model": {"preset": "llama-4-scout"}, "rate": 3, "traffic_profile": "diurnal:peak=15,trough=2"})",
           R"({"model": {"preset": "llama-4-scout"}, "traffic_profile": "diurnal:peak=15,trough=20"})",
           R"({"model": {"preset": "llama-4-scout"}, "traffic_profile": "weekly:peak=15"})",
           R"({"model": {"preset": "llama-4-scout"}, "traffic_profile": [1, 2]})",
           R"({"model": {"preset": "llama-4-scout"}, "traffic_profile": 15})",
       }) {
    ApiResponse r = HandlePlan(body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.body["error"]["field"], "traffic_profile") << r.body.dump();
    EXPECT_EQ(r.body["error"]["message"].get<std::string>().rfind("request: ", 0), 0u) << r.body.dump();
  }
  nlohmann::json zeros = {{"model", {{"preset", "llama-4-scout"}}}, {"traffic_profile", std::vector<double>(24, 0.0)}};
  ApiResponse r = HandlePlan(zeros.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("at least one positive rate"), std::string::npos);
}

TEST(PlanTrafficProfile, TheDayIsChargedToTheWorkBudget) {
  // A budget the plan's own simulations fit in but the day's estimate does not: 413 naming the limit.
  WorkBudget probe(int64_t{1} << 40, WorkBudget::Clock::now(), std::chrono::seconds(60));
  ASSERT_EQ(HandlePlan(R"({"model": {"preset": "llama-4-scout"}, "rate": 15})", &probe).status, 200);
  WorkBudget tight(probe.spent() + 1000, WorkBudget::Clock::now(), std::chrono::seconds(60));
  ApiResponse r = HandlePlan(kDiurnal, &tight);
  EXPECT_EQ(r.status, 413) << r.body.dump();
  EXPECT_EQ(r.body["error"]["code"], "resource_limit");
}

TEST(ErrorBands, PerfAndSimulateCarryTheBandOfTheirRegime) {
  ApiResponse perf =
      HandlePerf(R"({"model": {"preset": "llama-4-scout"}, "gpu": "h100", "gpus": 4, "weights": "bf16"})");
  ASSERT_EQ(perf.status, 200) << perf.body.dump();
  const nlohmann::json& tpot = perf.body["decode"]["tpot_error_band"];
  EXPECT_EQ(tpot["regime"], "vllm moe hopper");
  EXPECT_GT(tpot["count"].get<int>(), 0);
  EXPECT_LE(tpot["low"].get<double>(), tpot["high"].get<double>());
  EXPECT_EQ(perf.body["prefill"]["ttft_error_band"]["regime"], "vllm moe hopper");
  nlohmann::json cli = CliJson("perf llama-4-scout --gpu h100 --gpus 4 --weights bf16 --json");
  if (!cli.is_null()) {
    EXPECT_EQ(tpot, cli["decode"]["tpot_error_band"]);  // the CLI's object
  }

  ApiResponse one = HandleSimulate(R"({"model": {"preset": "llama-3.1-8b"}, "gpu": "h100", "rate": 5,
                                       "input": 500, "output": 100, "requests": 100})");
  ASSERT_EQ(one.status, 200) << one.body.dump();
  EXPECT_EQ(one.body["ttft_seconds"]["error_band"]["regime"], "vllm dense hopper");
  EXPECT_EQ(one.body["tpot_seconds"]["error_band"]["regime"], "vllm dense hopper");
  // The page's latency sweep (Scout on 4 x H100, the default chat), on SGLang.
  ApiResponse sweep = HandleSimulate(R"({"model": {"preset": "llama-4-scout"}, "gpu": "h100", "gpus": 4,
                                         "weights": "bf16", "engine": "sglang", "rate": 15, "input": 1000,
                                         "output": 500, "requests": 1000, "sweep": true, "seed": 1,
                                         "slo_ttft_p95_seconds": 1, "slo_tpot_p95_seconds": 0.05})");
  ASSERT_EQ(sweep.status, 200) << sweep.body.dump();
  EXPECT_EQ(sweep.body["error_bands"]["tpot_seconds"]["regime"], "sglang moe hopper");
  EXPECT_TRUE(sweep.body["error_bands"]["ttft_seconds"].contains("count"));
}

TEST(PerfRoute, ConcurrencyIsTheClosedLoopOfTheCliWithTheSameKeys) {
  // `capplan perf ... --concurrency 64 --json` and POST /api/perf with "concurrency": 64 answer with the one
  // encoder's closed_loop (tools/json EncodePerf); the API had no concurrency before.
  ApiResponse r = HandlePerf(R"({"model": {"preset": "llama-4-scout"}, "gpu": "h100", "gpus": 4, "weights": "bf16",
                                 "concurrency": 64})");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const nlohmann::json& loop = r.body["closed_loop"];
  ASSERT_TRUE(loop.is_object()) << r.body.dump();
  EXPECT_EQ(loop["concurrency"], 64);
  EXPECT_GT(loop["tpot_seconds"]["mean"].get<double>(), 0);
  EXPECT_EQ(loop["tpot_seconds"]["error_band"]["regime"], "vllm moe hopper");
  EXPECT_FALSE(
      HandlePerf(R"({"model": {"preset": "llama-4-scout"}, "gpu": "h100", "gpus": 4})").body.contains("closed_loop"));
  EXPECT_EQ(HandlePerf(R"({"model": {"preset": "llama-4-scout"}, "concurrency": 0})").body["error"]["field"],
            "concurrency");
  nlohmann::json cli = CliJson("perf llama-4-scout --gpu h100 --gpus 4 --weights bf16 --concurrency 64 --json");
  if (!cli.is_null()) {
    ASSERT_TRUE(cli.contains("closed_loop")) << cli.dump();
    for (const auto& [key, value] : cli["closed_loop"].items()) EXPECT_TRUE(loop.contains(key)) << key;
    EXPECT_EQ(loop, cli["closed_loop"]);
  }
}

}  // namespace
}  // namespace capplan::server
