// The checkpoint's quantization scheme as NativePrecision and native_kv on a ModelSpec.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "capplan/error.h"
#include "capplan/model.h"

namespace capplan::model_internal {

/// Reads `config`'s quantization_config (top level or text_config), or `hf_quant` (a ModelOpt
/// hf_quant_config.json, which takes precedence) when not null, into m.native (where the family
/// adapter left it unset) and m.native_kv. Returns whether a scheme was found; an error names the
/// file and field of an algorithm capplan cannot express.
Result<bool> ApplyQuantization(const nlohmann::json& config, const nlohmann::json* hf_quant, const std::string& source,
                               const std::string& hf_quant_source, ModelSpec& m);

}  // namespace capplan::model_internal
