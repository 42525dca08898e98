// Disaggregated launches (issue 14): prefill workers, decode workers and the router, per engine, with the flags the
// engines document (src/engine/launch_disagg.cc names the versions).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "capplan/launch.h"

namespace capplan {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// DeepSeek-V3 FP8 on H200: 2 prefill workers of TP 8, 3 decode workers of DP-attention 8 / EP 8.
LaunchRequest TwoPrefillThreeDecode() {
  Deployment decode;
  decode.gpu = *GpuCatalog::BuiltIn().Find("h200");
  decode.parallel = Parallelism{.tp = 1, .ep = 8, .replicas = 3, .dp_attention = 8};
  decode.weights = UniformWeightPrecision(DType::kFP8);
  decode.engine = DefaultEngineProfile(Engine::kSglang);
  Deployment prefill = decode;
  prefill.parallel = Parallelism{.tp = 8, .ep = 1, .replicas = 2};
  return {.hf_id = "deepseek-ai/DeepSeek-V3",
          .deployment = decode,
          .max_model_len = 9216,
          .max_num_seqs = 1024,
          .disagg = DisaggLaunch{.prefill = prefill, .prefill_max_num_seqs = 16, .nvlink = false}};
}

const LaunchProcess& Role(const LaunchCommand& c, std::string_view role) {
  for (const auto& p : c.processes)
    if (p.role == role) return p;
  static const LaunchProcess none;
  ADD_FAILURE() << "no " << role << " process";
  return none;
}

std::string AllNotes(const LaunchCommand& c) {
  std::string s;
  for (const auto& n : c.notes) s += n + "\n";
  return s;
}

TEST(LaunchDisagg, SglangStartsPrefillAndDecodeWorkersBehindThePdRouter) {
  auto c = WriteLaunchCommandFor(Engine::kSglang, TwoPrefillThreeDecode());
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->processes.size(), 3u);
  const LaunchProcess& p = Role(*c, "prefill");
  const LaunchProcess& d = Role(*c, "decode");
  EXPECT_EQ(p.instances, 2);
  EXPECT_EQ(d.instances, 3);
  EXPECT_THAT(p.command, HasSubstr("--disaggregation-mode prefill --disaggregation-transfer-backend mooncake"));
  EXPECT_THAT(d.command, HasSubstr("--disaggregation-mode decode --disaggregation-transfer-backend mooncake"));
  // Each pool in its own layout: TP 8 for prefill, attention DP 8 with EP 8 for decode.
  EXPECT_THAT(p.command, HasSubstr("--tp 8 --context-length 9216 --max-running-requests 16"));
  EXPECT_THAT(p.command, Not(HasSubstr("--enable-dp-attention")));
  EXPECT_THAT(d.command, HasSubstr("--tp 8 --dp 8 --enable-dp-attention --ep-size 8"));
  EXPECT_EQ(Role(*c, "router").command,
            "python -m sglang_router.launch_router --pd-disaggregation --prefill http://<prefill-host-1>:30000 "
            "--prefill http://<prefill-host-2>:30000 --decode http://<decode-host-1>:30001 --decode "
            "http://<decode-host-2>:30001 --decode http://<decode-host-3>:30001 --host 0.0.0.0 --port 8000");
  EXPECT_EQ(c->command, p.command);  // `command` stays the first process's, for callers that read one line
  EXPECT_THAT(AllNotes(*c), HasSubstr("--disaggregation-ib-device"));  // 40 GPUs: the KV crosses RDMA
}

TEST(LaunchDisagg, VllmRunsTheNixlConnectorOnBothRolesAndTheProxy) {
  auto c = WriteLaunchCommandFor(Engine::kVllm, TwoPrefillThreeDecode());
  ASSERT_TRUE(c.ok()) << c.error().message;
  const std::string connector = R"(--kv-transfer-config '{"kv_connector":"NixlConnector","kv_role":"kv_both"}')";
  EXPECT_THAT(Role(*c, "prefill").command, HasSubstr(connector));
  EXPECT_THAT(Role(*c, "decode").command, HasSubstr(connector));
  EXPECT_THAT(Role(*c, "prefill").command, HasSubstr("vllm serve deepseek-ai/DeepSeek-V3 --tensor-parallel-size 8 "));
  EXPECT_THAT(Role(*c, "decode").command, HasSubstr("--tensor-parallel-size 1 --data-parallel-size 8"));
  EXPECT_EQ(Role(*c, "router").command,
            "python toy_proxy_server.py --port 8000 --prefiller-hosts <prefill-host-1> <prefill-host-2> "
            "--prefiller-ports 8100 8100 --decoder-hosts <decode-host-1> <decode-host-2> <decode-host-3> "
            "--decoder-ports 8200 8200 8200");
  EXPECT_THAT(AllNotes(*c), HasSubstr("toy_proxy_server.py"));
}

TEST(LaunchDisagg, TrtllmWritesEachRolesCacheTransceiverAndTheDisaggregatedServerConfig) {
  auto c = WriteLaunchCommandFor(Engine::kTrtllm, TwoPrefillThreeDecode());
  ASSERT_TRUE(c.ok()) << c.error().message;
  const LaunchProcess& p = Role(*c, "prefill");
  const LaunchProcess& d = Role(*c, "decode");
  const LaunchProcess& router = Role(*c, "router");
  EXPECT_THAT(p.command, HasSubstr("--extra_llm_api_options capplan-llm-api-prefill.yml --host 0.0.0.0 --port 8001"));
  EXPECT_THAT(d.command, HasSubstr("--extra_llm_api_options capplan-llm-api-decode.yml --host 0.0.0.0 --port 8002"));
  EXPECT_THAT(p.options_file, HasSubstr("cache_transceiver_config:\n  backend: UCX\n"));
  EXPECT_THAT(p.options_file, HasSubstr("disable_overlap_scheduler: true"));
  EXPECT_THAT(d.options_file, HasSubstr("cache_transceiver_config:"));
  EXPECT_THAT(d.options_file, HasSubstr("enable_attention_dp: true"));
  EXPECT_THAT(p.options_file, Not(HasSubstr("enable_attention_dp")));
  EXPECT_EQ(router.command, "trtllm-serve disaggregated -c capplan-disagg.yml");
  EXPECT_THAT(router.options_file, HasSubstr("context_servers:\n  num_instances: 2\n  urls:\n    - "
                                             "\"<prefill-host-1>:8001\"\n    - \"<prefill-host-2>:8001\"\n"));
  EXPECT_THAT(router.options_file, HasSubstr("generation_servers:\n  num_instances: 3\n"));
  EXPECT_EQ(c->options_file, p.options_file);
}

TEST(LaunchDisagg, AggregatedLaunchesHaveNoProcessesAndBadPrefillBoundsNameTheField) {
  LaunchRequest r = TwoPrefillThreeDecode();
  r.disagg->prefill_max_num_seqs = 0;
  auto bad = WriteLaunchCommand(r);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "prefill_max_num_seqs");
  r.disagg.reset();
  auto agg = WriteLaunchCommand(r);
  ASSERT_TRUE(agg.ok()) << agg.error().message;
  EXPECT_TRUE(agg->processes.empty());
  EXPECT_THAT(agg->command, Not(HasSubstr("--disaggregation-mode")));
}

}  // namespace
}  // namespace capplan

namespace capplan {
namespace {

TEST(LaunchSpec, MtpFlagsPerEngine) {
  LaunchRequest r = TwoPrefillThreeDecode();
  r.disagg.reset();
  r.deployment.parallel.replicas = 1;
  r.spec = SpecLaunch{.tokens = 1};
  auto v = WriteLaunchCommandFor(Engine::kVllm, r);
  auto s = WriteLaunchCommandFor(Engine::kSglang, r);
  auto t = WriteLaunchCommandFor(Engine::kTrtllm, r);
  ASSERT_TRUE(v.ok() && s.ok() && t.ok());
  EXPECT_THAT(v->command, HasSubstr(R"(--speculative-config '{"method":"mtp","num_speculative_tokens":1}')"));
  EXPECT_THAT(s->command, HasSubstr("--speculative-algorithm EAGLE --speculative-num-steps 1 "
                                    "--speculative-eagle-topk 1 --speculative-num-draft-tokens 2"));
  EXPECT_THAT(t->options_file, HasSubstr("speculative_config:\n  decoding_type: MTP\n  num_nextn_predict_layers: 1\n"));
  r.spec.reset();
  auto plain = WriteLaunchCommandFor(Engine::kVllm, r);
  ASSERT_TRUE(plain.ok());
  EXPECT_THAT(plain->command, Not(HasSubstr("--speculative-config")));
}

}  // namespace
}  // namespace capplan
