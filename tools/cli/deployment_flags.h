// The deployment flags shared by `memory`, `perf` and `simulate`: GPU, count, layout, precision, engine.
// One place binds them and one place turns them into a Deployment, so every subcommand validates the
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
  std::string gpu = GpuCatalog::BuiltIn().DefaultId();  // data/hardware/gpus.json default_gpu
  int gpus = 1;                                         // all GPUs; replicas = gpus / (tp x dp-attention x pp)
  std::optional<int> tp, ep, pp, dp_attention, moe_tp;
  int eplb_redundant = 0;
  std::string weights = "native";
  std::string kv_dtype = "auto";  // the checkpoint's KV scheme (BuildDeployment prints the choice)
  std::string engine = "vllm";
  std::optional<int64_t> max_model_len;
  std::optional<int> max_num_seqs;
  std::optional<std::string> gpu_file;  // user catalog additions/overrides
};

/// Adds --gpu, --gpus, --tp, --ep, --pp, --dp-attention, --moe-tp, --eplb-redundant, --weights, --kv-dtype, --engine,
/// --max-model-len, --max-num-seqs and
/// --gpu-file to `cmd`, bound to `f`.
void AddDeploymentFlags(CLI::App& cmd, DeploymentFlags& f);

/// Looks up the GPU (user file first), resolves the layout (ResolveLayout: the default for --gpus when no
/// --tp/--ep/--pp; replicas from what is left), parses precisions and the engine.
Result<Deployment> BuildDeployment(const ModelSpec& m, const DeploymentFlags& f);

/// The layout words of the flags (the API's "gpus" and "layout" decode to the same struct, tools/json/layout_words.h).
LayoutRequest LayoutWords(const DeploymentFlags& f);
/// No layout flag given: the default layout for --gpus (the JSON's layout.auto).
bool IsAutoLayout(const DeploymentFlags& f);
/// The repository launch commands serve: the preset's, else the config's `_name_or_path` ("" when none is known).
std::string LaunchRepository(const ModelSpec& m, const std::string& model_arg);

/// "native (MXFP4 experts ...)" or the dtype given.
std::string WeightsName(const ModelSpec& m, const std::string& weights_flag);
/// "TP4 EP1 PP1", "TP1 DP-attention8 EP8 PP1", with " x2 replicas" when more than one.
std::string LayoutName(const Parallelism& p);

}  // namespace capplan::cli
