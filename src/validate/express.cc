// Translating sweep rows into capplan deployments: model, GPU, precision, layout, engine and its batch cap, and
// the closed loop's clients. Rows capplan cannot express keep the reason, so turning a layout on later is one line.
#include <map>

#include "capplan/embedded.h"
#include "capplan/validate.h"

namespace capplan {
namespace {

bool Contains(std::string_view s, std::string_view needle) { return s.find(needle) != std::string_view::npos; }

// Published model paths -> capplan model names. Qwen3-32B falls back to the embedded config until a preset exists.
std::string ModelFor(std::string_view path) {
  if (Contains(path, "Llama-3.1-8B")) return "llama-3.1-8b";
  if (Contains(path, "Llama-3.1-70B")) return "llama-3.1-70b";
  if (Contains(path, "gpt-oss-120b")) return "gpt-oss-120b";
  if (Contains(path, "DeepSeek-V3")) return "deepseek-v3";
  if (Contains(path, "Qwen3-32B")) return "qwen3-32b";
  if (Contains(path, "MiniMax-M2.5")) return "minimax-m2.5";
  return "";
}

// The sweep's system name is a catalog alias (data/hardware: "h100_sxm", "gb200").
std::string GpuFor(std::string_view system) {
  auto g = GpuCatalog::BuiltIn().Find(system);
  return g.ok() ? g->id : "";
}

Result<ModelSpec> LoadSweepModel(const std::string& name) {
  auto preset = LoadPreset(name);
  if (preset.ok() || name != "qwen3-32b") return preset;
  auto text = FindEmbedded(embedded::perf(), "validation/qwen3-32b.config.json");
  if (!text) return preset;
  return ParseHfConfig(*text, "data/validation/qwen3-32b.config.json");
}

// aiconfigurator's quant modes -> dtypes; "" is the checkpoint's BF16.
// A quantized run (FP8 or NVFP4 dense layers) whose named checkpoint ships its dense layers in another format: the
// engine served a re-quantized checkpoint (ModelOpt's, as no engine quantizes to NVFP4 at load), not the one named.
bool RequantizedKv(const WeightPrecision& native, DType gemm) {
  const bool quantized = gemm == DType::kFP8 || gemm == DType::kNVFP4;
  return quantized && native.linear.value_or(native.base) != gemm;
}

bool DTypeForMode(std::string_view mode, DType& out) {
  if (mode.empty() || mode == "bf16" || mode == "float16")
    out = DType::kBF16;
  else if (mode == "fp8" || mode == "fp8_block")
    out = DType::kFP8;
  else if (mode == "nvfp4")
    out = DType::kNVFP4;
  else if (mode == "w4a16_mxfp4" || mode == "mxfp4")
    out = DType::kMXFP4;
  else
    return false;
  return true;
}

}  // namespace

std::vector<SweepCase> ExpressSweeps(const std::vector<SweepRow>& rows) {
  std::map<std::string, Result<std::shared_ptr<const ModelSpec>>> models;
  std::vector<SweepCase> out;
  out.reserve(rows.size());
  for (const SweepRow& r : rows) {
    SweepCase c;
    c.row = &r;
    auto gap = [&](std::string why) {
      c.reason = std::move(why);
      out.push_back(c);
    };
    // Attention-DP rows are predicted with the layout of docs/scale.md (per-rank KV and batch, collectives on the
    // links they cross); disaggregated rows by the disaggregated simulator with each pool's own layout.
    const bool disagg = r.mode == "disagg";
    const SweepLayout& lay = disagg ? r.prefill : r.agg;
    const int adp = lay.attention_dp.value_or(1);
    if (r.mode != "agg" && !disagg) {
      gap("mode '" + r.mode + "' is neither agg nor disagg");
      continue;
    }
    c.disagg = disagg;
    c.layout_mode = disagg ? "disagg" : adp > 1 ? "attention_dp" : "agg";
    if (!r.concurrency) {
      gap("closed-loop concurrency not stated in silicon_data_source");
      continue;
    }
    if (!r.ttft_ms || !r.tpot_ms || *r.ttft_ms <= 0 || *r.tpot_ms <= 0) {
      gap("TTFT or TPOT not measured");
      continue;
    }
    c.model = ModelFor(r.model_path);
    if (c.model.empty()) {
      gap("no capplan model for '" + r.model_path + "'");
      continue;
    }
    if (!models.count(c.model)) {
      auto loaded = LoadSweepModel(c.model);
      if (loaded.ok())
        models.emplace(c.model, std::make_shared<const ModelSpec>(std::move(*loaded)));
      else
        models.emplace(c.model, loaded.error());
    }
    const auto& loaded = models.at(c.model);
    if (!loaded.ok()) {
      gap(c.model == "minimax-m2.5" ? "model family not supported (MiniMax-M2.5)"
                                    : "model not loadable: " + loaded.error().message);
      continue;
    }
    c.spec = *loaded;
    const ModelSpec* m = c.spec.get();
    c.gpu_id = GpuFor(r.system);
    auto gpu = GpuCatalog::BuiltIn().Find(c.gpu_id);
    if (c.gpu_id.empty() || !gpu.ok()) {
      gap("system '" + r.system + "' not in the GPU catalog");
      continue;
    }
    c.family = PerfFamilyOf(*gpu);
    c.moe = HasMoeLayers(*m);

    Deployment& d = c.deployment;
    d.gpu = *gpu;
    auto engine = ParseEngine(r.backend, "backend");
    if (!engine.ok()) {
      gap("backend '" + r.backend + "' is not vllm, sglang or trtllm");
      continue;
    }
    d.engine = DefaultEngineProfile(*engine);
    // Precision: the dense layers' and the experts' quant modes. gpt-oss ships MXFP4 experts and BF16 attention;
    // aiconfigurator labels its runs nvfp4/fp8, but the engines serve the checkpoint as it is.
    DType gemm = DType::kBF16, moe = DType::kBF16;
    if (!DTypeForMode(r.gemm_quant_mode, gemm) || !DTypeForMode(r.moe_quant_mode, moe)) {
      gap("quant mode '" + r.gemm_quant_mode + "' / '" + r.moe_quant_mode + "' not modelled");
      continue;
    }
    if (c.model == "gpt-oss-120b") {
      d.weights = NativeWeightPrecision(*m);
    } else {
      d.weights = UniformWeightPrecision(gemm);
      if (c.moe) d.weights.routed_experts = moe;
    }
    // KV dtype (not stated): TensorRT-LLM's quantized runs use ModelOpt recipes that quantize the KV cache to FP8;
    // vLLM and SGLang keep the model dtype ("auto") unless the checkpoint is a ModelOpt one (nvidia/...).
    const bool quantized = gemm == DType::kFP8 || gemm == DType::kNVFP4;
    const bool modelopt_checkpoint = r.model_path.rfind("nvidia/", 0) == 0;
    d.kv_dtype = quantized && (*engine == Engine::kTrtllm || modelopt_checkpoint) ? DType::kFP8 : DType::kBF16;
    // vLLM serving a quantization the named checkpoint does not ship (meta-llama/Llama-3.1-70B at fp8 or nvfp4,
    // MiniMax-M2.5, an FP8 checkpoint, at nvfp4) loads a re-quantized (ModelOpt) checkpoint, whose KV scheme is
    // FP8 (RequantizedKv). Evidence from the rows' own numbers: Llama 3.1 70B fp8 on one H200, 64 clients at
    // 1024/8192, delivered 1,364 tokens/s at 46 ms TPOT, all 64 running; a BF16 pool holds 35 of them at the mean
    // context, which even at 100% of HBM bandwidth (weights + KV read, 27 ms a step) yields at most 1,296 tokens/s.
    if (*engine == Engine::kVllm && RequantizedKv(NativeWeightPrecision(*m), gemm)) d.kv_dtype = DType::kFP8;
    if (c.model == "gpt-oss-120b" || c.model == "deepseek-v3") d.kv_dtype = DType::kBF16;  // checkpoints' own KV

    // One worker's layout and batch cap (the run's configured per-rank batch: aiconfigurator sets max batch to
    // it); errors say which pool.
    auto layout = [&](const SweepLayout& l, Deployment& out, const char* pool) -> Result<MemoryBudget> {
      const int tp = l.tp.value_or(1);
      const int pp = l.pp.value_or(1);
      const int moe_ep = std::max(1, l.moe_ep.value_or(1));
      if (tp < 1 || pp < 1) return Error::InvalidArgument(std::string(pool) + "tp_size / pp_size not stated", "tp");
      out.parallel = Parallelism{
          .tp = tp, .ep = c.moe ? moe_ep : 1, .pp = pp, .replicas = 1, .dp_attention = l.attention_dp.value_or(1)};
      if (auto v = ValidateLayout(*m, out.parallel); !v.ok())
        return Error::InvalidArgument(std::string(pool) + "layout not expressible: " + v.error().message, "layout");
      if (l.batch_size && *l.batch_size > 0) out.max_num_seqs = *l.batch_size;
      auto b = FittingBudget(*m, out, BudgetQuery{.context = r.isl + r.osl, .batch = 1});
      if (!b.ok())
        return Error::Infeasible(std::string(pool) + "capplan predicts it does not fit: " + b.error().message);
      return *b;
    };
    // attention_dp_size 0 (the 15 TensorRT-LLM Qwen3-32B GB200 rows, moe_tp/moe_ep 0 too, ids "tp2_epnone"): the
    // file's no-value marker, not a rank count. Neither reading fits the rows: batch_size is concurrency / 2 at
    // 2000/500 (attention DP 2?) but concurrency / 4 at 4000/1000, and TPOT falls as concurrency rises (41.9 ms at
    // 2 clients, 8.1 at 1, 28.6 at 32), so mapping them to either layout would be a guess: a gap.
    if (lay.attention_dp && *lay.attention_dp == 0) {
      gap("attention_dp_size 0 (no value): attention DP or not is not stated, and batch_size (concurrency / 2 or / 4) "
          "fits neither reading");
      continue;
    }
    c.decode = d;
    auto budget = layout(lay, d, disagg ? "prefill pool: " : "");
    if (!budget.ok()) {
      gap(budget.error().message);
      continue;
    }
    c.clients = *r.concurrency;
    // vLLM gpt-oss-120b on H100 at 512 clients (versions 0.11.2 and unstated): by Little's law on the rows' own TTFT
    // and TPOT, 96-106 requests were in flight at TP 2, 4 and 8 alike, while the KV pool holds all 512 at TP 4 and
    // 8: a cap of ~100 outside the engine (the client's connection pool; aiohttp's default limit is 100), not a
    // clients-deep closed loop. capplan models the clients the row states, so these rows are gaps.
    if (*engine == Engine::kVllm && c.model == "gpt-oss-120b" && r.system == "h100_sxm" && *r.concurrency >= 512) {
      gap("harness held ~100 requests in flight, not the 512 clients stated (Little's law on the row's TTFT and "
          "TPOT at every TP)");
      continue;
    }
    c.kv_sequences = std::max(1, budget->max_concurrent_sequences);
    // In the steady state a running sequence holds what the engine's KV admission makes it hold: its mean context
    // when blocks are allocated on demand (vLLM), its whole input + output when reserved at admission.
    if (const int64_t kv_context = SteadyStateKvContext(KvAdmissionOf(*engine), r.isl, r.osl);
        kv_context < r.isl + r.osl) {
      if (auto steady = FittingBudget(*m, d, BudgetQuery{.context = kv_context, .batch = 1}); steady.ok())
        c.kv_sequences = std::max(1, steady->max_concurrent_sequences);
    }
    if (disagg) {
      // The pools' worker counts decide the prefill pool's throughput and the decode pool's slots; a row that does
      // not state them (the 50 gpt-oss-120b GB200 rows: no prefill_num_workers, decode_num_workers nor
      // decode_batch_size) cannot be priced without guessing them, so it is a gap, not a 1 + 1 worker run.
      if (!r.prefill.num_workers || !r.decode.num_workers) {
        gap("disaggregated row without prefill_num_workers / decode_num_workers: the pools' sizes are not stated");
        continue;
      }
      auto decode_budget = layout(r.decode, c.decode, "decode pool: ");
      if (!decode_budget.ok()) {
        gap(decode_budget.error().message);
        continue;
      }
      c.prefill_workers = std::max(1, r.prefill.num_workers.value_or(1));
      c.decode_workers = std::max(1, r.decode.num_workers.value_or(1));
      c.decode_kv_tokens = decode_budget->kv_tokens;
      c.decode_max_seqs = std::max(1, decode_budget->max_concurrent_sequences);
    }
    c.ttft_s = *r.ttft_ms / 1000.0;
    c.tpot_s = *r.tpot_ms / 1000.0;
    c.expressible = true;
    out.push_back(c);
  }
  return out;
}

}  // namespace capplan
