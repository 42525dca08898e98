// One layout decoder (issue 11): the CLI's flags (--gpus, --tp, --dp-attention, --ep, --moe-tp, --pp,
// --eplb-redundant) and a request's "gpus" with its "layout" object become the same LayoutRequest (the layout words,
// include/capplan/memory.h), resolved by the one function, ResolveLayout. Its errors name the field; the CLI shows
// them in flag words (--ep), the API in JSON-path words (layout.ep).
#pragma once

#include <nlohmann/json.hpp>

#include "capplan/memory.h"

namespace capplan::json {

enum class LayoutSpelling {
  kFlags,    // --ep=3, field "--ep"
  kRequest,  // request: layout.ep=3, field "layout.ep"
};

/// No replica shape or expert split asked for (no tp, ep, pp, dp_attention, moe_tp, eplb_redundant): the default
/// layout for the GPUs (the answer's layout.auto).
bool IsAutoLayout(const LayoutRequest& r);

/// A request body's "gpus" (default 1) and "layout": {"tp", "ep", "pp", "dp_attention", "moe_tp", "eplb_redundant"}
/// (absent or null: none given), checked for type, range and unknown keys only; the rules are ResolveLayout's.
Result<LayoutRequest> DecodeLayoutWords(const nlohmann::json& body);

/// A library layout error (worded with the CLI's flags, its field a flag name) in `spelling`'s words.
Error SpellLayoutError(Error e, LayoutSpelling spelling);

/// ResolveLayout, its error spelled for the caller.
Result<Parallelism> ResolveLayoutAs(const ModelSpec& m, const GpuSpec& g, const LayoutRequest& r,
                                    LayoutSpelling spelling);

}  // namespace capplan::json
