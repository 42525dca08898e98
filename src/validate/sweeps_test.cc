#include <gtest/gtest.h>

#include <cmath>

#include "capplan/validate.h"

namespace capplan {
namespace {

constexpr const char* kHeader =
    "id,silicon_data_source,backend,backend_version,model_path,system,precision,mode,isl,osl,gemm_quant_mode,"
    "moe_quant_mode,batch_size,tp_size,pp_size,attention_dp_size,moe_tp_size,moe_ep_size,prefill_batch_size,"
    "prefill_num_workers,prefill_tp_size,prefill_pp_size,prefill_attention_dp_size,prefill_moe_tp_size,"
    "prefill_moe_ep_size,decode_batch_size,decode_num_workers,decode_tp_size,decode_pp_size,"
    "decode_attention_dp_size,decode_moe_tp_size,decode_moe_ep_size,silicon_ttft_ms,silicon_tpot_ms\n";

TEST(ParseSweepsCsv, TypesEveryColumnAndReadsTheConcurrencyFromTheSource) {
  const std::string text = std::string(kHeader) +
                           "r1,db; silicon_concurrency=64; x=1,vllm,0.12.0,meta-llama/Llama-3.1-70B,h100_sxm,fp8,agg,"
                           "1024,1024,fp8,fp8,64,4,1,1,4,1,,,,,,,,,,,,,,,123.5,20.25\n";
  auto rows = ParseSweepsCsv(text, "s.csv");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  const SweepRow& r = rows->front();
  EXPECT_EQ(r.line, 2);
  EXPECT_EQ(r.backend, "vllm");
  EXPECT_EQ(r.isl, 1024);
  EXPECT_EQ(r.agg.tp, 4);
  EXPECT_EQ(r.agg.moe_tp, 4);
  EXPECT_FALSE(r.prefill.tp.has_value());
  EXPECT_EQ(r.concurrency, 64);
  EXPECT_DOUBLE_EQ(*r.ttft_ms, 123.5);
  EXPECT_DOUBLE_EQ(*r.tpot_ms, 20.25);
}

TEST(ParseSweepsCsv, ErrorsNameTheFileLineAndColumn) {
  const std::string text = std::string(kHeader) +
                           "r1,db,vllm,0.12.0,m,h100_sxm,fp8,agg,1024,1024,fp8,fp8,64,four,1,1,4,1,,,,,,,,,,,,,,,1,2\n";
  auto rows = ParseSweepsCsv(text, "s.csv");
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.error().message.find("s.csv:2: tp_size='four'"), std::string::npos) << rows.error().message;
  EXPECT_EQ(rows.error().field, "tp_size");
}

TEST(ParseSweepsCsv, AMissingColumnIsNamed) {
  auto rows = ParseSweepsCsv("id,backend\nx,vllm\n", "s.csv");
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.error().message.find("missing column 'silicon_data_source'"), std::string::npos);
}

TEST(BuiltInSweeps, EveryPublishedRowParses) { EXPECT_EQ(BuiltInSweeps().size(), 2369u); }

TEST(ExpressSweeps, AttentionDpAndDisaggregatedRowsAreExpressedWithTheirOwnLayouts) {
  const auto cases = ExpressSweeps(BuiltInSweeps());
  int adp = 0, disagg = 0, disagg_expressed = 0, expressed = 0;
  for (const auto& c : cases) {
    if (c.expressible) ++expressed;
    if (c.row->mode == "disagg") {
      ++disagg;
      // Each pool with its own layout, or the pool that capplan predicts does not fit named in the reason.
      EXPECT_TRUE(c.expressible || c.reason.find("pool: ") != std::string::npos ||
                  c.reason.find("pools' sizes are not stated") != std::string::npos ||
                  c.reason == "closed-loop concurrency not stated in silicon_data_source")
          << c.reason;
      if (c.expressible) {
        ++disagg_expressed;
        EXPECT_TRUE(c.disagg);
        EXPECT_EQ(c.layout_mode, "disagg");
        EXPECT_EQ(c.deployment.parallel.dp_attention, c.row->prefill.attention_dp.value_or(1));
        EXPECT_EQ(c.decode.parallel.dp_attention, c.row->decode.attention_dp.value_or(1));
        EXPECT_EQ(c.decode.parallel.tp, c.row->decode.tp.value_or(1));
        ASSERT_TRUE(c.row->prefill.num_workers && c.row->decode.num_workers);
        EXPECT_EQ(c.prefill_workers, *c.row->prefill.num_workers);
        EXPECT_EQ(c.decode_workers, *c.row->decode.num_workers);
      }
    } else if (c.row->agg.attention_dp.value_or(1) > 1) {
      ++adp;
      // Expressed with the attention-DP layout unless capplan predicts the layout does not fit.
      EXPECT_TRUE(c.expressible || c.reason.find("does not fit") != std::string::npos) << c.reason;
      if (c.expressible) {
        EXPECT_EQ(c.deployment.parallel.dp_attention, c.row->agg.attention_dp.value_or(1));
      }
    }
  }
  EXPECT_EQ(disagg, 234);
  EXPECT_GT(disagg_expressed, 150);
  EXPECT_EQ(adp, 72);
  EXPECT_GT(expressed, 1000);  // dense and MoE rows of three engines
}

// A disaggregated row that does not state its pools' worker counts is a gap (the 50 gpt-oss-120b GB200 rows), never
// priced as one prefill and one decode worker; every row that states them is expressed or names the pool that fails.
TEST(ExpressSweeps, DisaggregatedRowsWithoutWorkerCountsAreGaps) {
  int gaps = 0;
  for (const auto& c : ExpressSweeps(BuiltInSweeps())) {
    if (c.row->mode != "disagg" || !c.row->concurrency) continue;
    const bool stated = c.row->prefill.num_workers && c.row->decode.num_workers;
    if (!stated) {
      EXPECT_FALSE(c.expressible);
      EXPECT_NE(c.reason.find("prefill_num_workers / decode_num_workers"), std::string::npos) << c.reason;
      ++gaps;
    } else {
      EXPECT_EQ(c.reason.find("pools' sizes are not stated"), std::string::npos) << c.reason;
    }
  }
  EXPECT_EQ(gaps, 50);
}

// KV dtype of vLLM's quantized runs: a quantization the named checkpoint does not ship (Llama 3.1 70B, a BF16
// checkpoint, at fp8 or nvfp4; MiniMax-M2.5, an FP8 checkpoint, at nvfp4) is a re-quantized ModelOpt checkpoint with
// an FP8 KV scheme; the checkpoint's own format (MiniMax-M2.5 at fp8, gpt-oss) keeps "auto", BF16. SGLang's rows are
// not affected.
TEST(ExpressSweeps, VllmRequantizedCheckpointsServeAnFp8KvCache) {
  int fp8 = 0, bf16 = 0;
  for (const auto& c : ExpressSweeps(BuiltInSweeps())) {
    if (!c.expressible || c.row->mode != "agg") continue;
    const std::string& path = c.row->model_path;
    const std::string& q = c.row->gemm_quant_mode;
    if (c.row->backend == "vllm" && path == "meta-llama/Llama-3.1-70B") {
      EXPECT_EQ(c.deployment.kv_dtype, DType::kFP8) << c.row->id;
      ++fp8;
    } else if (c.row->backend == "vllm" && path == "MiniMaxAI/MiniMax-M2.5") {
      EXPECT_EQ(c.deployment.kv_dtype, q == "nvfp4" ? DType::kFP8 : DType::kBF16) << c.row->id;
      ++(q == "nvfp4" ? fp8 : bf16);
    } else if (path == "openai/gpt-oss-120b" || (c.row->backend == "sglang" && path.rfind("nvidia/", 0) != 0)) {
      EXPECT_EQ(c.deployment.kv_dtype, DType::kBF16) << c.row->id;
    }
  }
  EXPECT_GT(fp8, 200);   // 225 Llama 3.1 70B rows, 104 MiniMax nvfp4 rows, less the gaps
  EXPECT_GT(bf16, 250);  // 309 MiniMax fp8 rows, less the gaps
}

// attention_dp_size 0 is the file's no-value marker (dense Qwen3-32B TensorRT-LLM rows): a gap saying so, not
// "--dp-attention=0 must be at least 1" and not a guessed layout.
TEST(ExpressSweeps, AttentionDpSizeZeroIsAGapNamingTheMissingValue) {
  int gaps = 0;
  for (const auto& c : ExpressSweeps(BuiltInSweeps())) {
    if (c.row->mode != "agg" || c.row->agg.attention_dp.value_or(1) != 0) continue;
    EXPECT_FALSE(c.expressible);
    if (!c.row->concurrency) continue;  // the concurrency gap comes first
    EXPECT_NE(c.reason.find("attention_dp_size 0 (no value)"), std::string::npos) << c.reason;
    ++gaps;
  }
  EXPECT_EQ(gaps, 15);
}

// vLLM gpt-oss-120b on H100 at 512 clients held ~100 requests in flight at every TP (Little's law on the rows' own
// TTFT and TPOT): the rows say 512 clients but ran 100, so they are gaps, not predictions of 512.
TEST(ExpressSweeps, RowsWhoseHarnessHeldFewerInFlightThanItsClientsAreGaps) {
  int gaps = 0;
  for (const auto& c : ExpressSweeps(BuiltInSweeps())) {
    if (c.row->backend != "vllm" || c.row->system != "h100_sxm" || c.row->model_path != "openai/gpt-oss-120b") continue;
    if (c.row->concurrency.value_or(0) >= 512) {
      EXPECT_FALSE(c.expressible);
      EXPECT_NE(c.reason.find("~100 requests in flight"), std::string::npos) << c.reason;
      ++gaps;
    } else {
      EXPECT_TRUE(c.expressible) << c.reason;
    }
  }
  EXPECT_GT(gaps, 0);
}

// A disaggregated row through the disaggregated simulator: DeepSeek-V3 on GB200, 1 prefill worker (attention DP 8,
// EP 8) and 1 decode worker (attention DP 32, EP 32), 1024 in / 8192 out, 2048 clients: measured TTFT 1877 ms, TPOT
// 24.5 ms (serving-sweeps.csv, id dsr1_gb200_trtllm_fp8_disagg_1024x8192_c2048_cfg375). The prediction must be a
// simulated one (TPOT from the decode pool's steps at its 2048 running, within a factor 2 of the measurement) and
// TTFT must include the KV transfer, i.e. exceed the prefill alone.
TEST(PredictSweeps, DisaggregatedRowsAreSimulatedPoolByPool) {
  const auto cases = ExpressSweeps(BuiltInSweeps());
  const SweepCase* row = nullptr;
  for (const auto& c : cases)
    if (c.row->id == "dsr1_gb200_trtllm_fp8_disagg_1024x8192_c2048_cfg375") row = &c;
  ASSERT_NE(row, nullptr);
  ASSERT_TRUE(row->expressible) << row->reason;
  const auto pts = PredictSweeps({*row}, BuiltInCalibrations());
  ASSERT_EQ(pts.size(), 1u);
  EXPECT_EQ(pts[0].running_limit, "disagg");
  EXPECT_GT(pts[0].tpot_pred_s, 0.0245 / 2);
  EXPECT_LT(pts[0].tpot_pred_s, 0.0245 * 2);
  const PerfCalibration cal = SelectCalibration(BuiltInCalibrations(), row->deployment.gpu, "trtllm");
  const RooflineStepTimeModel prefill(*row->spec, row->deployment, cal);
  EXPECT_GT(pts[0].ttft_pred_s, PrefillTime(prefill, 1024).v);
}

// A vLLM and a TensorRT-LLM prediction of the same deployment differ in the direction the data says:
// gpt-oss-120b on 2x B200, 1024 in / 8192 out, 16 clients: vLLM TPOT 5.64 ms, TensorRT-LLM 3.81 ms
// (serving-sweeps.csv, the two rows of that configuration).
TEST(EngineConstants, VllmIsSlowerThanTensorRtLlmWhereTheMeasurementsSaySo) {
  const ModelSpec m = *LoadPreset("gpt-oss-120b");
  Deployment d{.gpu = *GpuCatalog::BuiltIn().Find("b200-hgx"),
               .parallel = {.tp = 2},
               .weights = NativeWeightPrecision(m),
               .kv_dtype = DType::kBF16,
               .engine = DefaultEngineProfile(Engine::kVllm)};
  auto vllm =
      PredictPerformance(m, d, PerfQuery{.input_tokens = 1024, .output_tokens = 8192, .batch = 16, .concurrency = 16});
  d.engine = DefaultEngineProfile(Engine::kTrtllm);
  auto trt =
      PredictPerformance(m, d, PerfQuery{.input_tokens = 1024, .output_tokens = 8192, .batch = 16, .concurrency = 16});
  ASSERT_TRUE(vllm.ok() && trt.ok());
  EXPECT_GT(vllm->closed_loop.tpot.v, trt->closed_loop.tpot.v * 1.15);
}

}  // namespace
}  // namespace capplan
