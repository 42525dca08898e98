// Plan(): disaggregated prefill/decode candidates beside the aggregated and attention-DP ones (docs/plan.md,
// "Disaggregated candidates").
#include <gtest/gtest.h>

#include "capplan/search.h"

namespace capplan {
namespace {

const Date kToday{2026, 12, 1};

// Issue 14's scenario: DeepSeek-R1, 8000-token prompts, 1000-token answers, 20 requests/s.
PlanRequest DeepSeekLongPrompts(double rate) {
  PlanRequest r;
  r.model = *LoadPreset("deepseek-r1");
  r.preset = "deepseek-r1";
  r.input_tokens = 8000;
  r.output_tokens = 1000;
  r.rate_per_second = rate;
  return r;
}

// One plan of the 20 requests/s scenario for the tests that read it (about a second each on 2 cores).
const Result<PlanResult>& Busy();

Result<PlanResult> PlanOf(const PlanRequest& r) {
  auto prices = PriceCatalog::BuiltIn();
  if (!prices.ok()) return prices.error();
  return Plan(r, GpuCatalog::BuiltIn(), *prices, kToday);
}

const Result<PlanResult>& Busy() {
  static const Result<PlanResult> plan = PlanOf(DeepSeekLongPrompts(20));
  return plan;
}

bool Contains(const std::vector<std::string>& lines, std::string_view what) {
  for (const auto& l : lines)
    if (l.find(what) != std::string::npos) return true;
  return false;
}

TEST(PlanDisagg, ConsidersAggregatedAttentionDpAndDisaggregatedCandidates) {
  const auto& plan = Busy();
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_TRUE(plan->feasible());
  EXPECT_GT(plan->evaluated_aggregated, 0);
  EXPECT_GT(plan->evaluated_attention_dp, 0);
  EXPECT_GT(plan->evaluated_disaggregated, 0);
  EXPECT_EQ(plan->evaluated_aggregated + plan->evaluated_attention_dp, plan->evaluated);
  int modes[3] = {0, 0, 0};
  for (const Candidate& c : plan->candidates) {
    const std::string_view m = CandidateMode(c);
    ++modes[m == "aggregated" ? 0 : m == "attention-DP" ? 1 : 2];
  }
  EXPECT_GT(modes[0], 0);
  EXPECT_GT(modes[1], 0);
  EXPECT_GT(modes[2], 0);
  EXPECT_TRUE(plan->disagg.considered);
  EXPECT_FALSE(plan->disagg.summary.empty());
}

TEST(PlanDisagg, PricesTheGpusOfBothPoolsAndTheLinkTheyCross) {
  const auto& plan = Busy();
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  int seen = 0;
  for (const Candidate& c : plan->candidates) {
    if (!c.disagg) continue;
    ++seen;
    const int prefill = c.disagg->prefill.parallel.TotalGpus();
    const int decode = c.deployment.parallel.TotalGpus();
    EXPECT_EQ(CandidateGpus(c), prefill + decode);
    EXPECT_GE(c.quote.billed_gpus, prefill + decode);  // whole instances: at least every GPU of both pools
    // NVLink only while both pools sit inside one scale-up domain (8 GPUs on HGX); RDMA across.
    if (c.deployment.gpu.scale_up_domain == 8) {
      EXPECT_EQ(c.disagg->nvlink, prefill + decode <= 8) << prefill << " + " << decode;
    }
    // The transfer moves the prompt's KV once: latency + bytes / bandwidth, more than the set-up alone.
    EXPECT_GT(c.disagg->kv_transfer.v, 1e-3);
    EXPECT_GT(c.disagg->kv_bytes_per_request.v, 0);
  }
  EXPECT_GT(seen, 0);
}

TEST(PlanDisagg, ConfirmedDisaggregatedCandidatesMeetTheTargetsInTheDisaggregatedSimulator) {
  const auto& plan = Busy();
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  int simulated = 0;
  for (const Candidate& c : plan->candidates) {
    if (!c.disagg || !c.latency.simulated) continue;
    ++simulated;
    EXPECT_LE(c.latency.ttft.p95.v, 1.0);
    EXPECT_LE(c.latency.tpot.p95.v, 0.050);
    EXPECT_NE(c.note.find("disaggregated simulation"), std::string::npos) << c.note;
  }
  EXPECT_GT(simulated, 0);
}

TEST(PlanDisagg, SaysWhyDisaggregationWinsOrLoses) {
  const auto& busy = Busy();
  ASSERT_TRUE(busy.ok()) << busy.error().message;
  EXPECT_TRUE(Contains(busy->disagg.reasons, "prefill interference raises TPOT from")) << busy->disagg.summary;
  EXPECT_TRUE(Contains(busy->disagg.reasons, "the KV transfer of")) << busy->disagg.summary;
  EXPECT_EQ(busy->disagg.wins, busy->candidates.front().disagg.has_value());
  EXPECT_TRUE(busy->disagg.summary.starts_with(busy->disagg.wins ? "disaggregation wins" : "disaggregation loses"));

  // Half a request a second: a prefill pool would idle most of the time, and its GPUs are paid for all the same.
  PlanRequest low = DeepSeekLongPrompts(0.5);
  low.gpus_allowed = {"h200", "b200"};  // the whole catalog takes seconds here; the point holds on these two
  low.finalists = 1;
  low.sim_requests = 300;
  auto quiet = PlanOf(low);
  ASSERT_TRUE(quiet.ok()) << quiet.error().message;
  EXPECT_FALSE(quiet->disagg.wins);
  EXPECT_TRUE(quiet->disagg.summary.starts_with("disaggregation loses")) << quiet->disagg.summary;
  EXPECT_TRUE(Contains(quiet->disagg.reasons, "too few requests to keep a prefill pool busy")) << quiet->disagg.summary;
}

TEST(PlanDisagg, LaunchesADisaggregatedCandidateAsItsPoolsAndARouter) {
  const auto& plan = Busy();
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  for (const Candidate& c : plan->candidates) {
    if (!c.disagg) continue;
    auto launch =
        WriteLaunchCommandsAllEngines(PlanLaunchRequest(DeepSeekLongPrompts(20), c, "deepseek-ai/DeepSeek-R1"));
    ASSERT_TRUE(launch.ok()) << launch.error().message;
    for (const LaunchCommand& l : *launch) {
      ASSERT_EQ(l.processes.size(), 3u) << l.command;
      EXPECT_EQ(l.processes[0].instances, c.disagg->prefill.parallel.replicas);
      EXPECT_EQ(l.processes[1].instances, c.deployment.parallel.replicas);
      EXPECT_EQ(l.processes[2].role, "router");
    }
    return;
  }
  FAIL() << "no disaggregated candidate";
}

TEST(PlanSpec, ModelsWithMtpLayersGetMtpCandidatesWithTheAssumedAcceptance) {
  const auto& plan = Busy();
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_GT(plan->evaluated_speculative, 0);
  int mtp = 0;
  for (const Candidate& c : plan->candidates) {
    if (!c.spec) continue;
    ++mtp;
    ASSERT_EQ(c.spec->acceptance.size(), 1u);
    EXPECT_DOUBLE_EQ(c.spec->acceptance[0], 0.83);  // data/perf/speculative.json
    EXPECT_NEAR(c.spec->tokens_per_step, 1.83, 1e-12);
    EXPECT_NE(c.spec->acceptance_source.find("vLLM"), std::string::npos);
    auto launch = WriteLaunchCommand(PlanLaunchRequest(DeepSeekLongPrompts(20), c, "deepseek-ai/DeepSeek-R1"));
    ASSERT_TRUE(launch.ok());
    EXPECT_NE(launch->command.find("--speculative-config"), std::string::npos) << launch->command;
  }
  EXPECT_GT(mtp, 0);
}

TEST(PlanSpec, ModelsWithoutMtpLayersGetNone) {
  PlanRequest r;
  r.model = *LoadPreset("llama-3.1-8b");
  r.gpus_allowed = {"h100"};
  r.finalists = 0;
  auto plan = PlanOf(r);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->evaluated_speculative, 0);
  for (const Candidate& c : plan->candidates) EXPECT_FALSE(c.spec.has_value());
}

TEST(PlanDisagg, ATtftTargetThatNoPairingReachesIsExplained) {
  PlanRequest r = DeepSeekLongPrompts(1);
  r.slo_ttft_p95 = Seconds{0.02};  // 8000 tokens of prefill take longer on any GPU
  r.finalists = 0;
  auto plan = PlanOf(r);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_FALSE(plan->feasible());
  EXPECT_TRUE(Contains(plan->disagg.reasons, "no disaggregated pairing meets the TTFT screen")) << plan->disagg.summary;
}

}  // namespace
}  // namespace capplan
