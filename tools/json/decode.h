// Request decoding: JSON bodies of the HTTP API -> the library's value types, validated with errors that
// name the field (docs/api.md lists every field, its range and default).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "capplan/error.h"
#include "capplan/fleet.h"
#include "capplan/memory.h"
#include "capplan/model.h"
#include "capplan/perf.h"
#include "capplan/search.h"

namespace capplan::json {

// Request limits: larger values are input errors, not work the server attempts.
inline constexpr int64_t kMaxGpus = 4096;
inline constexpr int64_t kMaxParallelDegree = 1024;
inline constexpr int64_t kMaxContextTokens = int64_t{1} << 27;  // 134M tokens, 12x Scout's 10M window
inline constexpr int64_t kMaxBatch = 1'000'000;
inline constexpr int64_t kDefaultContextTokens = 8192;
/// Simulation bounds of one request: the work (requests x tokens per request x simulations) a server
/// thread may spend. 2e8 tokens simulate in well under a few seconds here (docs/metrics.md).
inline constexpr int64_t kMaxSimulatedRequests = 20'000;
inline constexpr double kMaxSimulatedTokens = 2e8;
inline constexpr int kSweepSimulations = 30;  // LoadSweepSpec::max_simulations the server uses
inline constexpr int64_t kMaxPlanFinalists = 8;
/// A plan's day of traffic: each simulated stretch of the day is cut to at most this many requests (the CLI's
/// --sim-requests default is 2000; 500 keeps a web answer under a second here), fewer for long requests.
inline constexpr int64_t kFleetSegmentRequests = 500;

/// The model a request is about: exactly one of
///   {"preset": "llama-4-scout"}
///   {"config": {...config.json...} | "<config.json text>", "config_name": "my-config.json"}
///   {"simple": {"total_params", "active_params", "num_layers", "num_kv_heads", "head_dim",
///               "num_experts", "experts_per_token", "hidden_size", "vocab_size"}}
/// plus "ignore_active": true to size the model as a dense model of its total size (what a calculator
/// that ignores active parameters predicts). `path` names the object in errors ("model").
Result<ModelSpec> DecodeModelSource(const nlohmann::json& source, std::string_view path);

/// The "model" object every request but /api/model carries: required, checked for unknown keys, decoded;
/// `preset` is its preset name when it names one ("" otherwise).
Status DecodeRequestModel(const nlohmann::json& body, ModelSpec& model, std::string& preset);

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

/// The deployment part of /api/memory, /api/perf and /api/simulate (fields listed below).
struct DeploymentRequest {
  ModelSpec model;
  std::string preset;  // when the model came from a preset
  Deployment deployment;
  bool layout_auto = true;
};

/// POST /api/perf: the deployment fields plus "input", "output" (tokens per request) and "batch".
struct PerfRequest {
  DeploymentRequest deployment;
  PerfQuery query;
};
Result<PerfRequest> DecodePerfRequest(const nlohmann::json& body);

/// POST /api/simulate: the deployment fields plus "input", "output", "rate", "requests", "seed", and
/// "sweep" with "slo_ttft_p95_seconds" / "slo_tpot_p95_seconds". Bounded by kMaxSimulatedRequests and
/// kMaxSimulatedTokens (kResourceLimit above them).
struct SimulateRequest {
  DeploymentRequest deployment;
  int64_t input_tokens = 1000;
  int64_t output_tokens = 500;
  double rate_per_second = 10;
  int64_t requests = 1000;
  uint64_t seed = 1;
  bool sweep = false;
  std::optional<Seconds> slo_ttft_p95, slo_tpot_p95;
};
Result<SimulateRequest> DecodeSimulateRequest(const nlohmann::json& body);

/// POST /api/plan: "model", "input", "output", "rate" or "monthly_tokens", "slo_ttft_p95_seconds",
/// "slo_tpot_p95_seconds", "gpus_allowed" and "providers" (arrays of strings), "engine", "finalists".
/// "traffic_profile" (the CLI's diurnal:... string or 24 hourly requests/s, instead of "rate" / "monthly_tokens"): the
/// plan is sized for the peak hour, its volume the day's mean, and the answer carries `fleet` (fleet_plan.h).
struct PlanHttpRequest {
  PlanRequest request;
  std::optional<TrafficProfile> traffic_profile;
};
Result<PlanHttpRequest> DecodePlanRequest(const nlohmann::json& body);

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
