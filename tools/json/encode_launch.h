// The launch commands' JSON: the same keys in `capplan plan --json` and the API's plan and deployment answers.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "capplan/launch.h"

namespace capplan::json {

/// {"engine": the deployment's engine, "vllm"/"sglang"/"trtllm": command lines,
///  "commands": [{"engine", "command", "options_file", "checkpoint", "notes"}]} (the deployment's engine first).
nlohmann::json EncodeLaunchCommands(const std::vector<LaunchCommand>& commands);

}  // namespace capplan::json
