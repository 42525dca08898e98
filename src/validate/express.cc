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
    // links they cross); disaggregated rows need the disaggregated simulator per row, which the fit loop does not
    // run yet (docs/scale.md has hand-checked rows).
    const int adp = r.agg.attention_dp.value_or(1);
    if (r.mode == "disagg") {
      gap("disaggregated layout: not validated per row yet (hand-checked rows in docs/scale.md)");
      continue;
    }
    if (r.mode != "agg") {
      gap("mode '" + r.mode + "' is neither agg nor disagg");
      continue;
    }
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
    if (c.model == "gpt-oss-120b" || c.model == "deepseek-v3") d.kv_dtype = DType::kBF16;  // checkpoints' own KV

    const int tp = r.agg.tp.value_or(1);
    const int pp = r.agg.pp.value_or(1);
    const int moe_ep = std::max(1, r.agg.moe_ep.value_or(1));
    if (tp < 1 || pp < 1) {
      gap("tp_size / pp_size not stated");
      continue;
    }
    d.parallel = Parallelism{.tp = tp, .ep = c.moe ? moe_ep : 1, .pp = pp, .replicas = 1, .dp_attention = adp};
    if (auto v = ValidateLayout(*m, d.parallel); !v.ok()) {
      gap("layout not expressible: " + v.error().message);
      continue;
    }
    // The engine's batch cap: the run's configured per-worker batch (aiconfigurator sets max batch to it).
    if (r.agg.batch_size && *r.agg.batch_size > 0) d.max_num_seqs = *r.agg.batch_size;
    c.clients = *r.concurrency;
    auto budget = FittingBudget(*m, d, BudgetQuery{.context = r.isl + r.osl, .batch = 1});
    if (!budget.ok()) {
      gap("capplan predicts it does not fit: " + budget.error().message);
      continue;
    }
    c.kv_sequences = std::max(1, budget->max_concurrent_sequences);
    c.ttft_s = *r.ttft_ms / 1000.0;
    c.tpot_s = *r.tpot_ms / 1000.0;
    c.expressible = true;
    out.push_back(c);
  }
  return out;
}

}  // namespace capplan
