// Launch commands per engine: the command line that starts the deployment a plan or a page describes, on the
// checkpoint that holds its weight format, with the flags that bound the worst case (max context, running
// sequences, KV dtype, memory fraction). One writer per engine (src/engine/launch_<engine>.cc), chosen by the
// deployment's engine; pre-quantized checkpoints come from data/engine/checkpoints.json.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "capplan/deployment.h"
#include "capplan/error.h"

namespace capplan {

/// A pre-quantized checkpoint of a base repository in one weight format ("fp8", "nvfp4", "mxfp4", "int4").
struct Checkpoint {
  std::string base;
  std::string format;
  std::string repo;
  std::string source;
};
/// The embedded catalog (data/engine/checkpoints.json).
const std::vector<Checkpoint>& CheckpointCatalog();
/// The entry for `base` in `format`, if the catalog has one (a base repository is matched case-sensitively,
/// as Hugging Face ids are; an entry may also be found by its own repo id, so a pre-quantized id finds itself).
const Checkpoint* FindCheckpoint(std::string_view base, std::string_view format);

/// The weight format a deployment serves, as the catalog names it: the uniform linear format when set, else
/// the routed experts' format (the checkpoint's own mixed scheme), else the base; "bf16" for 16-bit weights.
std::string WeightFormatName(const WeightPrecision& w);

/// The Hugging Face repository of a preset ("" when `preset` names none).
std::string PresetRepository(std::string_view preset);
/// The repository a config.json names in `_name_or_path` ("" when absent, not a string, or a local path).
std::string ConfigRepository(std::string_view config_json_text);

/// The prefill pool of a disaggregated deployment; LaunchRequest::deployment is then the decode pool (its
/// parallel.replicas = decode workers).
struct DisaggLaunch {
  Deployment prefill;            // parallel.replicas = prefill workers
  int prefill_max_num_seqs = 1;  // prompts a prefill worker holds at once; > 0
  bool nvlink = false;           // both pools inside one scale-up domain (else the KV crosses RDMA NICs)
};

/// Multi-token-prediction speculative decoding (the model's own MTP layers) with `tokens` drafted per step.
struct SpecLaunch {
  int tokens = 1;
};

struct LaunchRequest {
  /// The model's repository (a Hugging Face id, the preset's, `--hf-id`, or a config's `_name_or_path`);
  /// empty when unknown (a config file with no `_name_or_path`): the command then names a placeholder.
  std::string hf_id;
  Deployment deployment;
  int64_t max_model_len = 0;  // tokens; > 0
  int max_num_seqs = 0;       // running sequences; > 0
  std::optional<DisaggLaunch> disagg = std::nullopt;
  std::optional<SpecLaunch> spec = std::nullopt;  // set: the engine's MTP flags (vLLM --speculative-config, ...)  //
                                                  // set: prefill and decode workers and the router between them
};

/// One process of a disaggregated launch: started `instances` times, each on its own GPUs (the router once).
struct LaunchProcess {
  std::string role;  // "prefill", "decode", "router"
  int instances = 1;
  std::string command;
  std::string options_file_name;  // TensorRT-LLM: the YAML the command reads ("" for other engines)
  std::string options_file;
};

struct LaunchCommand {
  Engine engine = Engine::kVllm;
  std::string command;             // one shell line
  std::string options_file;        // TensorRT-LLM's --extra_llm_api_options YAML (empty for other engines)
  std::string checkpoint;          // the repository the command serves
  std::vector<std::string> notes;  // what the user must do or know before it starts (quantize first, ...)
  /// Disaggregated: every process to start, prefill workers, decode workers, then the router; `command` and
  /// `options_file` are then the prefill worker's. Empty for an aggregated deployment.
  std::vector<LaunchProcess> processes;
};

/// The command for the deployment's own engine (with r.disagg: the prefill, decode and router processes, flags
/// from vLLM 0.11's NixlConnector, SGLang 0.5's PD disaggregation and TensorRT-LLM 1.x's `trtllm-serve
/// disaggregated`; docs/plan.md). Errors name the field: max_model_len, max_num_seqs or prefill_max_num_seqs < 1.
Result<LaunchCommand> WriteLaunchCommand(const LaunchRequest& r);
/// The same deployment launched on `engine` (its memory fraction and flags are that engine's).
Result<LaunchCommand> WriteLaunchCommandFor(Engine engine, const LaunchRequest& r);
/// Every engine's command: the deployment's own engine first, then the others (vLLM, SGLang, TensorRT-LLM order).
Result<std::vector<LaunchCommand>> WriteLaunchCommandsAllEngines(const LaunchRequest& r);

}  // namespace capplan
