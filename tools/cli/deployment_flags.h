// The deployment flags shared by `memory`, `perf`, `simulate`: GPU, count, layout, precision, engine.
// One place binds them, one place turns them into a Deployment, so every subcommand validates the
// same way and prints the same errors.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

#include "capplan/error.h"
#include "capplan/memory.h"
#include "capplan/model.h"

namespace capplan::cli {

struct DeploymentFlags {
  std::string gpu = "h100-sxm";
  int gpus = 1;
  std::optional<int> tp, ep, pp;
  int replicas = 1;
  std::string weights;          // "" = the model's native precision
  std::string kv_dtype = "bf16";
  std::string engine = "vllm";
  std::optional<int64_t> max_model_len;
  std::optional<int> max_num_seqs;
  std::string gpu_file;         // user catalog additions/overrides
};

/// Adds --gpu, --gpus, --tp, --ep, --pp, --replicas, --weights, --kv-dtype, --engine, --max-model-len,
/// --max-num-seqs, --gpu-file to `cmd`, bound to `f`.
void AddDeploymentFlags(CLI::App& cmd, DeploymentFlags& f);

/// Looks up the GPU (user file first), parses precisions and the engine, fills the layout (the
/// default layout for --gpus when no --tp/--ep/--pp is given) and validates it against the model.
Result<Deployment> BuildDeployment(const ModelSpec& m, const DeploymentFlags& f);

/// "TP4 EP4 PP1 x2 replicas"
std::string LayoutName(const Parallelism& p);
/// "fp8 (experts mxfp4)", describing a WeightPrecision.
std::string PrecisionName(const WeightPrecision& w);

}  // namespace capplan::cli
