// Response encoding: library results -> JSON with the unit in every key (`weights_bytes`,
// `hbm_bandwidth_bytes_per_second`). Keys follow the CLI's --json output (docs/api.md).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "capplan/error.h"
#include "capplan/hardware.h"
#include "capplan/memory.h"
#include "capplan/model.h"

namespace capplan::json {

/// {"error": {"code": "invalid_argument", "message": ..., "field": ...}}
nlohmann::json EncodeError(const Error& e);

/// The model at `context` tokens: params (total, active, active_without_embedding, components,
/// active_components), architecture, kv_cache (bytes_per_token, bytes_per_sequence, by_layer_kind),
/// flops_per_token, weights_bytes per precision, native precision and limitations.
nlohmann::json EncodeModel(const ModelSpec& m, int64_t context);

/// One catalog entry of /api/models: name, hf_id, official, total_params, active_params.
nlohmann::json EncodePreset(const PresetInfo& p, const ModelSpec& m);

nlohmann::json EncodeGpu(const GpuSpec& g);

nlohmann::json EncodeLayout(const Parallelism& p);

/// The memory budget: per_gpu.{weights_bytes, kv_cache_bytes (the whole pool), kv_cache_needed_bytes (the
/// workload's batch at its context), activation_bytes, overhead_bytes, capacity_bytes, free_bytes (after the
/// workload's KV), weights_by_component_bytes}, fits, reason, max_concurrent_sequences, ...
nlohmann::json EncodeMemoryBudget(const MemoryBudget& b);

}  // namespace capplan::json
