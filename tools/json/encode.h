// Response encoding: library results -> JSON with the unit in every key (`weights_bytes`,
// `hbm_bandwidth_bytes_per_second`). Keys follow the CLI's --json output (docs/api.md).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "capplan/error.h"
#include "capplan/hardware.h"
#include "capplan/memory.h"
#include "capplan/model.h"

namespace capplan::json {

/// {"error": {"code": "invalid_argument", "message": ..., "field": ...}}
nlohmann::json EncodeError(const Error& e);

/// `capplan model --json` and POST /api/model: the model at `context` tokens: params (total, active,
/// active_without_embedding, components, active_components, mtp_extra), architecture, native_precision,
/// weights_bytes per precision, kv_cache (bytes_per_token, bytes_per_sequence, by layer kind, the checkpoint's own KV
/// dtype), state (recurrent state per sequence), flops_per_token and limitations.
nlohmann::json EncodeModel(const ModelSpec& m, int64_t context);

/// One catalog entry: name, hf_id, official, family, aliases, params.{total, active, active_without_embedding},
/// num_experts, experts_per_token.
nlohmann::json EncodePreset(const PresetInfo& p, const ModelSpec& m);
/// `capplan models --json` and GET /api/models: {"models": [EncodePreset of every built-in preset]}.
Result<nlohmann::json> EncodeModels();

nlohmann::json EncodeGpu(const GpuSpec& g);
/// `capplan gpus --json` and GET /api/gpus: {"gpus": [EncodeGpu of each]}.
nlohmann::json EncodeGpus(const std::vector<GpuSpec>& gpus);

nlohmann::json EncodeLayout(const Parallelism& p);

/// The answer of `capplan memory --json` and POST /api/memory: the deployment summary (model, gpu, gpu_count,
/// layout with layout.auto, weights_dtype, kv_dtype, engine), gpu_name, gpu_memory_usable_bytes, the budget's keys
/// (BudgetJson, encode_budget.h), limitations, and when it fits `launch` (the commands for every engine, bounded
/// as the budget was asked: --max-model-len the context or the one given, --max-num-seqs the batch or the one given).
/// `hf_id`: the repository the commands serve ("" when none is known).
nlohmann::json EncodeMemory(const ModelSpec& m, const Deployment& d, const BudgetQuery& q, const MemoryBudget& b,
                            bool layout_auto, const std::string& hf_id);

}  // namespace capplan::json
