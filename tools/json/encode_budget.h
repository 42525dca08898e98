// The one JSON view of a MemoryBudget: `capplan memory --json`, POST /api/memory, `capplan fit --json` and POST
// /api/fit all encode a budget with BudgetJson (docs/api.md lists the keys).
#pragma once

#include <cmath>
#include <nlohmann/json.hpp>

#include "capplan/memory.h"

namespace capplan::json {

/// Whole bytes at the JSON boundary (4-bit weights make shares fractional inside).
inline int64_t WholeBytes(Bytes b) { return static_cast<int64_t>(std::llround(b.v)); }

/// A GPU's shard of each weight component, whole bytes: {embedding, attention, dense_mlp, routed_experts,
/// shared_experts, router, norms, lm_head, vision} (the component names of the model's params.components).
inline nlohmann::json WeightsJson(const WeightBytes& w) {
  return {{"embedding", WholeBytes(w.embedding)},
          {"attention", WholeBytes(w.attention)},
          {"dense_mlp", WholeBytes(w.dense_mlp)},
          {"routed_experts", WholeBytes(w.routed_experts)},
          {"shared_experts", WholeBytes(w.shared_experts)},
          {"router", WholeBytes(w.router)},
          {"norms", WholeBytes(w.norms)},
          {"lm_head", WholeBytes(w.lm_head)},
          {"vision", WholeBytes(w.vision)}};
}

/// A fit row's replica shape: tp, ep, pp, replicas.
inline nlohmann::json LayoutJson(const Parallelism& p) {
  return {{"tp", p.tp}, {"ep", p.ep}, {"pp", p.pp}, {"replicas", p.replicas}};
}

/// per_gpu.{capacity_bytes, weights_bytes, weights_by_component_bytes, kv_cache_bytes (the whole pool),
/// kv_cache_needed_bytes (the workload's batch at its context), activation_bytes, overhead_bytes, free_bytes (after
/// the workload's KV), kv_bytes_per_sequence, state_bytes_per_sequence, kv_bytes_per_token, pipeline_stage (the
/// busiest stage, whose GPU the figures are)}, fits, reason, context_tokens, batch, max_concurrent_sequences,
/// kv_tokens, max_context_at_batch_tokens, max_single_sequence_tokens, warnings[{code, message}].
inline nlohmann::json BudgetJson(const MemoryBudget& b) {
  nlohmann::json warnings = nlohmann::json::array();
  for (const auto& w : b.warnings) warnings.push_back({{"code", w.code}, {"message", w.message}});
  return {{"per_gpu",
           {{"capacity_bytes", WholeBytes(b.capacity)},
            {"weights_bytes", WholeBytes(b.weights_total)},
            {"weights_by_component_bytes", WeightsJson(b.weights)},
            {"kv_cache_bytes", WholeBytes(b.kv_cache)},
            {"kv_cache_needed_bytes", WholeBytes(b.kv_needed)},
            {"activation_bytes", WholeBytes(b.activations)},
            {"overhead_bytes", WholeBytes(b.overhead)},
            {"free_bytes", WholeBytes(b.free)},
            {"kv_bytes_per_sequence", WholeBytes(b.kv_bytes_per_sequence)},
            {"state_bytes_per_sequence", WholeBytes(b.state_bytes_per_sequence)},
            {"kv_bytes_per_token", b.kv_bytes_per_token_per_gpu.v},  // an average over layer kinds: not whole
            {"pipeline_stage", b.busiest_stage}}},
          {"fits", b.fits},
          {"reason", b.reason},
          {"context_tokens", b.context},
          {"batch", b.batch},
          {"max_concurrent_sequences", b.max_concurrent_sequences},
          {"kv_tokens", b.kv_tokens},
          {"max_context_at_batch_tokens", b.max_context_at_batch},
          {"max_single_sequence_tokens", b.max_single_sequence},
          {"warnings", warnings}};
}

}  // namespace capplan::json
