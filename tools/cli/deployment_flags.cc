#include "deployment_flags.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace capplan::cli {

void AddDeploymentFlags(CLI::App& cmd, DeploymentFlags& f) {
  cmd.add_option("--gpu", f.gpu, "GPU id or alias (see `capplan gpus`)")->capture_default_str();
  cmd.add_option("--gpus", f.gpus, "GPUs per replica (tp x pp); the layout is chosen when --tp/--pp are not given")
      ->capture_default_str();
  cmd.add_option("--tp", f.tp, "tensor-parallel degree");
  cmd.add_option("--ep", f.ep, "expert-parallel degree (MoE)");
  cmd.add_option("--pp", f.pp, "pipeline-parallel stages");
  cmd.add_option("--replicas", f.replicas, "data-parallel replicas")->capture_default_str();
  cmd.add_option("--weights", f.weights, "weights dtype: bf16, fp16, fp8, int8, int4, mxfp4, nvfp4 (default: the model's own)");
  cmd.add_option("--kv-dtype", f.kv_dtype, "KV-cache dtype: bf16 or fp8")->capture_default_str();
  cmd.add_option("--engine", f.engine, "serving engine profile: vllm, sglang, trtllm")->capture_default_str();
  cmd.add_option("--max-model-len", f.max_model_len, "the engine's max context per sequence (tokens)");
  cmd.add_option("--max-num-seqs", f.max_num_seqs, "the engine's max running sequences per replica");
  cmd.add_option("--gpu-file", f.gpu_file, "JSON file adding or overriding GPUs");
}

Result<Deployment> BuildDeployment(const ModelSpec& m, const DeploymentFlags& f) {
  GpuCatalog catalog = GpuCatalog::BuiltIn();
  if (!f.gpu_file.empty()) {
    std::ifstream in(f.gpu_file);
    if (!in) return Error::NotFound(f.gpu_file + ": cannot open the GPU file", "--gpu-file");
    std::stringstream ss;
    ss << in.rdbuf();
    CAPPLAN_RETURN_IF_ERROR(catalog.Merge(ss.str(), f.gpu_file));
  }
  Deployment d;
  CAPPLAN_ASSIGN_OR_RETURN(d.gpu, catalog.Find(f.gpu));
  if (f.gpus < 1) return Error::InvalidArgument("--gpus must be at least 1 (got " + std::to_string(f.gpus) + ")", "--gpus");
  if (f.replicas < 1)
    return Error::InvalidArgument("--replicas must be at least 1 (got " + std::to_string(f.replicas) + ")", "--replicas");
  if (f.tp || f.ep || f.pp) {
    d.parallel.tp = f.tp.value_or(1);
    d.parallel.pp = f.pp.value_or(1);
    d.parallel.ep = f.ep.value_or(1);
    if (!f.tp && !f.pp) d.parallel.tp = f.gpus;  // only --ep given: the GPUs still go to TP
  } else {
    CAPPLAN_ASSIGN_OR_RETURN(d.parallel, DefaultLayout(m, d.gpu, f.gpus));
  }
  d.parallel.replicas = f.replicas;
  CAPPLAN_RETURN_IF_ERROR(ValidateLayout(m, d.parallel));
  if (f.weights.empty()) {
    d.weights = NativeWeightPrecision(m);
  } else {
    CAPPLAN_ASSIGN_OR_RETURN(DType w, ParseDType(f.weights, "--weights"));
    d.weights = UniformWeightPrecision(w);
  }
  CAPPLAN_ASSIGN_OR_RETURN(d.kv_dtype, ParseDType(f.kv_dtype, "--kv-dtype"));
  CAPPLAN_ASSIGN_OR_RETURN(Engine e, ParseEngine(f.engine, "--engine"));
  d.engine = DefaultEngineProfile(e);
  if (f.max_model_len) {
    if (*f.max_model_len < 1) return Error::InvalidArgument("--max-model-len must be at least 1", "--max-model-len");
    d.max_model_len = *f.max_model_len;
  }
  if (f.max_num_seqs) {
    if (*f.max_num_seqs < 1) return Error::InvalidArgument("--max-num-seqs must be at least 1", "--max-num-seqs");
    d.max_num_seqs = *f.max_num_seqs;
  }
  return d;
}

std::string LayoutName(const Parallelism& p) {
  std::string s = fmt::format("TP{} EP{} PP{}", p.tp, p.ep, p.pp);
  if (p.replicas > 1) s += fmt::format(" x{} replicas", p.replicas);
  return s;
}

std::string PrecisionName(const WeightPrecision& w) {
  std::string s(DTypeName(w.linear.value_or(w.base)));
  if (w.routed_experts && *w.routed_experts != w.linear.value_or(w.base))
    s += fmt::format(" (experts {})", DTypeName(*w.routed_experts));
  return s;
}

}  // namespace capplan::cli
