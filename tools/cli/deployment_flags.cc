#include "deployment_flags.h"

#include <fmt/format.h>

#include "capplan/launch.h"
#include "catalog_flags.h"
#include "cli_util.h"
#include "layout_words.h"

namespace capplan::cli {

void AddDeploymentFlags(CLI::App& cmd, DeploymentFlags& f) {
  cmd.add_option("--gpu", f.gpu, "GPU id or alias (capplan gpus)")->capture_default_str();
  cmd.add_option("--gpus", f.gpus, "Number of GPUs in all; replicas = gpus / (tp x dp-attention x pp)")
      ->capture_default_str();
  cmd.add_option("--tp", f.tp, "Attention tensor-parallel degree within a rank (default: widest within a node)");
  cmd.add_option("--dp-attention", f.dp_attention,
                 "Attention data-parallel ranks, each with its own sequences and KV (default 1)");
  cmd.add_option("--ep", f.ep,
                 "Expert-parallel degree; moe-tp x ep = tp x dp-attention (default: tp for MoE models when experts "
                 "divide)");
  cmd.add_option("--moe-tp", f.moe_tp, "Expert tensor-parallel degree: ep = tp x dp-attention / moe-tp");
  cmd.add_option("--eplb-redundant", f.eplb_redundant,
                 "Redundant expert copies per MoE layer (EPLB): more memory, less routing skew")
      ->capture_default_str();
  cmd.add_option("--pp", f.pp, "Pipeline stages (default: across nodes)");
  cmd.add_option("--weights", f.weights,
                 "Weights dtype: native (the checkpoint's own), bf16, fp16, fp8, int8, int4, mxfp4, nvfp4")
      ->capture_default_str();
  cmd.add_option("--kv-dtype", f.kv_dtype,
                 "KV-cache dtype: auto (the checkpoint's own KV scheme, else its activation dtype), bf16 or fp8")
      ->capture_default_str();
  cmd.add_option("--engine", f.engine, "vllm, sglang or trtllm")->capture_default_str();
  cmd.add_option("--max-model-len", f.max_model_len, "The engine's --max-model-len (default: the model's)");
  cmd.add_option("--max-num-seqs", f.max_num_seqs, "The engine's --max-num-seqs");
  cmd.add_option("--gpu-file", f.gpu_file, "JSON file adding or overriding GPUs");
}

Result<Deployment> BuildDeployment(const ModelSpec& m, const DeploymentFlags& f) {
  CAPPLAN_ASSIGN_OR_RETURN(GpuCatalog catalog, LoadCatalog(f.gpu_file));
  Deployment d;
  CAPPLAN_ASSIGN_OR_RETURN(d.gpu, catalog.Find(f.gpu));
  CAPPLAN_ASSIGN_OR_RETURN(d.parallel, json::ResolveLayoutAs(m, d.gpu, LayoutWords(f), json::LayoutSpelling::kFlags));
  if (f.weights == "native") {
    d.weights = NativeWeightPrecision(m);
  } else {
    CAPPLAN_ASSIGN_OR_RETURN(DType w, ParseDType(f.weights, "--weights"));
    d.weights = UniformWeightPrecision(w);
  }
  if (f.kv_dtype == "auto") {
    // The checkpoint's kv_cache_quant_algo / kv_cache_scheme, as vLLM's --kv-cache-dtype auto reads it;
    // otherwise the model's 16-bit activation dtype.
    d.kv_dtype = AutoKvDtype(m);
    fmt::print(stderr, "note: --kv-dtype auto: {} ({})\n", DTypeName(d.kv_dtype), AutoKvDtypeSource(m));
  } else {
    CAPPLAN_ASSIGN_OR_RETURN(d.kv_dtype, ParseDType(f.kv_dtype, "--kv-dtype"));
  }
  CAPPLAN_ASSIGN_OR_RETURN(Engine e, ParseEngine(f.engine, "--engine"));
  d.engine = DefaultEngineProfile(e);
  if (f.max_model_len) {
    if (*f.max_model_len < 1)
      return Error::InvalidArgument("--max-model-len=" + std::to_string(*f.max_model_len) + " must be at least 1 token",
                                    "--max-model-len");
    d.max_model_len = *f.max_model_len;
  }
  if (f.max_num_seqs) {
    if (*f.max_num_seqs < 1)
      return Error::InvalidArgument("--max-num-seqs=" + std::to_string(*f.max_num_seqs) + " must be at least 1",
                                    "--max-num-seqs");
    d.max_num_seqs = *f.max_num_seqs;
  }
  return d;
}

LayoutRequest LayoutWords(const DeploymentFlags& f) {
  return {.gpus = f.gpus,
          .tp = f.tp,
          .ep = f.ep,
          .pp = f.pp,
          .dp_attention = f.dp_attention,
          .moe_tp = f.moe_tp,
          .eplb_redundant = f.eplb_redundant};
}

bool IsAutoLayout(const DeploymentFlags& f) { return json::IsAutoLayout(LayoutWords(f)); }

std::string LaunchRepository(const ModelSpec& m, const std::string& model_arg) {
  if (std::string p = PresetRepository(m.source.starts_with("preset:") ? m.name : model_arg); !p.empty())
    return p;                                               // m.name: an alias, resolved
  auto text = ReadInputFile(model_arg, "config", "model");  // bounded: the model was read (and checked) by LoadModel
  return text.ok() ? ConfigRepository(*text) : "";
}

std::string WeightsName(const ModelSpec& m, const std::string& weights_flag) {
  if (weights_flag != "native") return weights_flag;
  return "native (" + (m.native.description.empty() ? std::string(DTypeName(m.native.base)) : m.native.description) +
         ")";
}

std::string LayoutName(const Parallelism& p) {
  std::string s = p.dp_attention > 1 ? fmt::format("TP{} DP-attention{} EP{} PP{}", p.tp, p.dp_attention, p.ep, p.pp)
                                     : fmt::format("TP{} EP{} PP{}", p.tp, p.ep, p.pp);
  if (p.eplb_redundant > 0) s += fmt::format(" +{} redundant experts", p.eplb_redundant);
  if (p.replicas > 1) s += fmt::format(" x{} replicas", p.replicas);
  return s;
}

}  // namespace capplan::cli
