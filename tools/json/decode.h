// Request decoding: JSON bodies of the HTTP API -> the library's value types, validated with errors that
// name the field (docs/api.md lists every field, its range and default).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "capplan/error.h"
#include "capplan/memory.h"
#include "capplan/model.h"

namespace capplan::json {

// Request limits: larger values are input errors, not work the server attempts.
inline constexpr int64_t kMaxGpus = 4096;
inline constexpr int64_t kMaxParallelDegree = 1024;
inline constexpr int64_t kMaxContextTokens = int64_t{1} << 27;  // 134M tokens, 12x Scout's 10M window
inline constexpr int64_t kMaxBatch = 1'000'000;
inline constexpr int64_t kDefaultContextTokens = 8192;

/// The model a request is about: exactly one of
///   {"preset": "llama-4-scout"}
///   {"config": {...config.json...} | "<config.json text>", "config_name": "my-config.json"}
///   {"simple": {"total_params", "active_params", "num_layers", "num_kv_heads", "head_dim",
///               "num_experts", "experts_per_token", "hidden_size", "vocab_size"}}
/// plus "ignore_active": true to size the model as a dense model of its total size (what a calculator
/// that ignores active parameters predicts). `path` names the object in errors ("model").
Result<ModelSpec> DecodeModelSource(const nlohmann::json& source, std::string_view path);

/// Simple mode's numbers (BuildSimpleModel's input).
Result<SimpleModelInput> DecodeSimpleModel(const nlohmann::json& simple, std::string_view path);

/// The dense model of `m`'s total size with its attention geometry: every parameter active.
Result<ModelSpec> AsDenseOfTotalSize(const ModelSpec& m);

/// POST /api/model: a model source (as above, at the top level) and "context" (tokens, for KV per
/// sequence and FLOPs per token).
struct ModelRequest {
  ModelSpec model;
  int64_t context = kDefaultContextTokens;
};
Result<ModelRequest> DecodeModelRequest(const nlohmann::json& body);

/// POST /api/memory: {"model": {...source}, "gpu": "h100", "gpus": 4, "layout": {"tp","ep","pp"} (absent:
/// DefaultLayout), "weights": "native" | dtype, "kv_dtype": "bf16", "context": 8192, "batch": 1,
/// "engine": "vllm", "max_model_len", "max_num_seqs"}.
struct MemoryRequest {
  ModelSpec model;
  Deployment deployment;
  BudgetQuery query;
  bool layout_auto = true;
};
Result<MemoryRequest> DecodeMemoryRequest(const nlohmann::json& body);

}  // namespace capplan::json
