// One wire format (issue 11): for every question asked both ways, `capplan CMD --json` and the API route answer with
// the same key paths. Each case runs the CLI binary (CAPPLAN_CLI_PATH) and calls the route handler with the same
// question as a JSON body, collects the key paths of both documents (arrays: the union of their elements' paths) and
// prints the paths only one side has. Where the value is deterministic, some values are compared too.
//
// The one key allowed on one side only (kCliOnly): `deployment_note`, the CLI's note on the GPU count it chose itself
// when `perf` or `simulate` ran without --gpus (the API takes "gpus" as given and has nothing to say).
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <set>
#include <string>

#include "cli_json.h"
#include "routes.h"

namespace capplan::server {
namespace {

// "a.b[].c": objects add ".key", arrays add "[]" and merge their elements' paths.
void CollectPaths(const nlohmann::json& j, const std::string& prefix, std::set<std::string>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      std::string p = prefix.empty() ? k : prefix + "." + k;
      out.insert(p);
      CollectPaths(v, p, out);
    }
  } else if (j.is_array()) {
    for (const auto& e : j) CollectPaths(e, prefix + "[]", out);
  }
}

std::set<std::string> Paths(const nlohmann::json& j) {
  std::set<std::string> s;
  CollectPaths(j, "", s);
  return s;
}

const std::set<std::string> kCliOnly = {"deployment_note"};

// The paths in `a` and not in `b` (nor allowed on one side), one a line.
std::string Missing(const std::set<std::string>& a, const std::set<std::string>& b, size_t& count) {
  std::string s;
  for (const std::string& p : a)
    if (!b.contains(p) && !kCliOnly.contains(p)) {
      s += "  " + p + "\n";
      ++count;
    }
  return s;
}

// The CLI's document and the route's answer have the same key paths; returns both for value checks.
struct Pair {
  nlohmann::json cli, api;
};
Pair ExpectSameKeys(const std::string& cli_args, const ApiResponse& api) {
  nlohmann::json cli = CliJson(cli_args);
  EXPECT_FALSE(cli.is_null() || cli.is_discarded()) << "capplan " << cli_args << " printed no JSON";
  EXPECT_EQ(api.status, 200) << api.body.dump();
  std::set<std::string> c = Paths(cli), a = Paths(api.body);
  size_t count = 0;
  std::string only_cli = Missing(c, a, count), only_api = Missing(a, c, count);
  EXPECT_EQ(count, 0u) << "capplan " << cli_args << ": " << count << " key paths differ\nonly in the CLI's --json:\n"
                       << only_cli << "only in the API's answer:\n"
                       << only_api;
  return {cli, api.body};
}

class WireParity : public ::testing::Test {
 protected:
  void SetUp() override {
    if (CliJson("gpus --json").is_null()) GTEST_SKIP() << "no capplan binary at " << CAPPLAN_CLI_PATH;
  }
};

TEST_F(WireParity, Models) {
  auto [cli, api] = ExpectSameKeys("models --json", HandleModels());
  EXPECT_EQ(cli, api);
}

TEST_F(WireParity, Gpus) {
  auto [cli, api] = ExpectSameKeys("gpus --json", HandleGpus());
  EXPECT_EQ(cli, api);
}

TEST_F(WireParity, Model) {
  auto [cli, api] = ExpectSameKeys("model deepseek-v3 --context 4096 --json",
                                   HandleModel(R"({"preset": "deepseek-v3", "context": 4096})"));
  EXPECT_EQ(cli, api);
}

TEST_F(WireParity, Memory) {
  auto [cli, api] = ExpectSameKeys(
      "memory llama-4-scout --gpu h100 --gpus 4 --context 16384 --batch 8 --json",
      HandleMemory(
          R"({"model": {"preset": "llama-4-scout"}, "gpu": "h100", "gpus": 4, "context": 16384, "batch": 8})"));
  for (const char* k : {"per_gpu", "fits", "max_concurrent_sequences", "kv_tokens", "context_tokens", "layout"})
    EXPECT_EQ(cli[k], api[k]) << k;
}

TEST_F(WireParity, MemoryWithAnExplicitLayout) {
  ExpectSameKeys("memory deepseek-v3 --gpu h200 --gpus 8 --dp-attention 8 --tp 1 --ep 8 --json",
                 HandleMemory(R"({"model": {"preset": "deepseek-v3"}, "gpu": "h200", "gpus": 8,
                                  "layout": {"tp": 1, "dp_attention": 8, "ep": 8}})"));
}

TEST_F(WireParity, Perf) {
  auto [cli, api] = ExpectSameKeys("perf llama-3.1-8b --gpu h100 --input 1000 --output 200 --batch 8 --json",
                                   HandlePerf(R"({"model": {"preset": "llama-3.1-8b"}, "gpu": "h100",
                                                  "input": 1000, "output": 200, "batch": 8})"));
  EXPECT_EQ(cli["decode"], api["decode"]);
  EXPECT_EQ(cli["prefill"], api["prefill"]);
}

TEST_F(WireParity, PerfClosedLoopWithAnExplicitLayout) {
  auto [cli, api] = ExpectSameKeys("perf qwen3-30b-a3b --gpu h100 --gpus 4 --tp 2 --ep 2 --concurrency 32 --json",
                                   HandlePerf(R"({"model": {"preset": "qwen3-30b-a3b"}, "gpu": "h100", "gpus": 4,
                                    "layout": {"tp": 2, "ep": 2}, "concurrency": 32})"));
  EXPECT_EQ(cli["layout"], api["layout"]);
  EXPECT_FALSE(api["layout"]["auto"].get<bool>());
  EXPECT_EQ(cli["closed_loop"], api["closed_loop"]);
}

TEST_F(WireParity, Simulate) {
  auto [cli, api] = ExpectSameKeys(
      "simulate llama-3.1-8b --gpu h100 --rate 4 --input 500 --output 100 --requests 200 --lb least-outstanding --json",
      HandleSimulate(R"({"model": {"preset": "llama-3.1-8b"}, "gpu": "h100", "rate": 4, "input": 500, "output": 100,
                         "requests": 200})"));
  EXPECT_EQ(cli["completed_requests"], api["completed_requests"]);
  EXPECT_EQ(cli["ttft_seconds"], api["ttft_seconds"]);
}

TEST_F(WireParity, SimulateSweep) {
  ExpectSameKeys(
      "simulate llama-3.1-8b --gpu h100 --rate 4 --input 500 --output 100 --requests 200 --sweep --slo-tpot-p95 0.03 "
      "--lb least-outstanding --json",
      HandleSimulate(R"({"model": {"preset": "llama-3.1-8b"}, "gpu": "h100", "rate": 4, "input": 500, "output": 100,
                         "requests": 200, "sweep": true, "slo_tpot_p95_seconds": 0.03})"));
}

TEST_F(WireParity, Plan) {
  auto [cli, api] =
      ExpectSameKeys("plan llama-3.1-8b --rate 2 --input 500 --output 100 --gpus-allowed h100,l40s --json",
                     HandlePlan(R"({"model": {"preset": "llama-3.1-8b"}, "rate": 2, "input": 500, "output": 100,
                     "gpus_allowed": ["h100", "l40s"]})"));
  EXPECT_EQ(cli["feasible"], api["feasible"]);
}

TEST_F(WireParity, Fit) {
  auto [cli, api] =
      ExpectSameKeys("fit llama-4-scout --context 8192 --batch 16 --json",
                     HandleFit(R"({"model": {"preset": "llama-4-scout"}, "context": 8192, "batch": 16})"));
  EXPECT_EQ(cli, api);
}

TEST_F(WireParity, Cost) {
  ExpectSameKeys("cost llama-3.1-8b --gpu h100 --monthly-tokens 1e9 --json",
                 HandleCost(R"({"model": {"preset": "llama-3.1-8b"}, "gpu": "h100", "monthly_tokens": 1e9})"));
}

}  // namespace
}  // namespace capplan::server

namespace capplan::server {
namespace {

// The CLI's error line ("capplan: error: ..." on stderr) for `args`.
std::string CliError(const std::string& args) {
  const std::string cmd = std::string(CAPPLAN_CLI_PATH) + " " + args + " 2>&1 >/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) return "";
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe.get())) out.append(buf, n);
  const std::string kPrefix = "capplan: error: ";
  size_t at = out.find(kPrefix);
  if (at == std::string::npos) return "";
  std::string line = out.substr(at + kPrefix.size());
  return line.substr(0, line.find('\n'));
}

// One layout decoder: the same bad layout as flags and as a JSON layout breaks the same rule of ResolveLayout, the CLI
// saying it in flag words and the API in JSON paths (the field too).
struct BadLayout {
  const char* cli;
  const char* body;
  const char* flag_words;  // in the CLI's message
  const char* path_words;  // in the API's message
  const char* field;       // the API's error field
};

TEST(OneLayoutDecoder, TheSameBadLayoutBreaksTheSameRuleInEachSpelling) {
  if (CliError("memory llama-4-scout --gpus 0").empty()) GTEST_SKIP() << "no capplan binary at " << CAPPLAN_CLI_PATH;
  const BadLayout cases[] = {
      {"memory llama-4-scout --gpu h100 --gpus 8 --ep 3",
       R"({"model": {"preset": "llama-4-scout"}, "gpu": "h100", "gpus": 8, "layout": {"ep": 3}})", "--ep=3",
       "layout.ep=3", "layout.ep"},
      {"memory llama-4-scout --gpu h100 --gpus 6 --tp 4",
       R"({"model": {"preset": "llama-4-scout"}, "gpu": "h100", "gpus": 6, "layout": {"tp": 4}})",
       "--gpus=6 is not a multiple of --tp x --pp = 4", "gpus=6 is not a multiple of layout.tp x layout.pp = 4",
       "gpus"},
      {"memory deepseek-v3 --gpu h200 --gpus 8 --tp 1 --dp-attention 8 --moe-tp 2 --ep 8",
       R"({"model": {"preset": "deepseek-v3"}, "gpu": "h200", "gpus": 8,
           "layout": {"tp": 1, "dp_attention": 8, "moe_tp": 2, "ep": 8}})",
       "--moe-tp=2 x --ep=8 = 16 but --tp x --dp-attention = 8",
       "layout.moe_tp=2 x layout.ep=8 = 16 but layout.tp x layout.dp_attention = 8", "layout.moe_tp"},
      {"memory llama-4-scout --gpu h100 --gpus 64 --tp 64",
       R"({"model": {"preset": "llama-4-scout"}, "gpu": "h100", "gpus": 64, "layout": {"tp": 64}})", "--tp=64",
       "layout.tp=64", "layout.tp"},
  };
  for (const BadLayout& c : cases) {
    const std::string cli = CliError(c.cli);
    ApiResponse api = HandleMemory(c.body);
    ASSERT_GE(api.status, 400) << c.cli;
    const std::string message = api.body["error"]["message"];
    EXPECT_TRUE(cli.starts_with(c.flag_words)) << c.cli << ": " << cli;
    EXPECT_EQ(message.rfind("request: ", 0), 0u) << message;
    EXPECT_TRUE(message.substr(9).starts_with(c.path_words)) << message;
    EXPECT_EQ(message.find("--"), std::string::npos) << message;
    EXPECT_EQ(api.body["error"]["field"], c.field) << message;
    // The rule after the words is the library's, word for word.
    if (cli.starts_with(c.flag_words) && message.substr(9).starts_with(c.path_words)) {
      EXPECT_EQ(cli.substr(std::string(c.flag_words).size()), message.substr(9 + std::string(c.path_words).size()));
    }
  }
}

}  // namespace
}  // namespace capplan::server
