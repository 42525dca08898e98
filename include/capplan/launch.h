// Launch commands per engine: the command line that starts the deployment a plan or a page describes, on the
// checkpoint that holds its weight format, with the flags that bound the worst case (max context, running
// sequences, KV dtype, memory fraction). One writer per engine (src/engine/launch_<engine>.cc), chosen by the
// deployment's engine; pre-quantized checkpoints come from data/engine/checkpoints.json.
#pragma once

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

struct LaunchRequest {
  /// The model's repository (a Hugging Face id, the preset's, `--hf-id`, or a config's `_name_or_path`);
  /// empty when unknown (a config file with no `_name_or_path`): the command then names a placeholder.
  std::string hf_id;
  Deployment deployment;
  int64_t max_model_len = 0;  // tokens; > 0
  int max_num_seqs = 0;       // running sequences; > 0
};

struct LaunchCommand {
  Engine engine = Engine::kVllm;
  std::string command;             // one shell line
  std::string options_file;        // TensorRT-LLM's --extra_llm_api_options YAML (empty for other engines)
  std::string checkpoint;          // the repository the command serves
  std::vector<std::string> notes;  // what the user must do or know before it starts (quantize first, ...)
};

/// The command for the deployment's own engine. Errors name the field: max_model_len or max_num_seqs < 1.
Result<LaunchCommand> WriteLaunchCommand(const LaunchRequest& r);
/// The same deployment launched on `engine` (its memory fraction and flags are that engine's).
Result<LaunchCommand> WriteLaunchCommandFor(Engine engine, const LaunchRequest& r);
/// Every engine's command: the deployment's own engine first, then the others (vLLM, SGLang, TensorRT-LLM order).
Result<std::vector<LaunchCommand>> WriteLaunchCommandsAllEngines(const LaunchRequest& r);

}  // namespace capplan
