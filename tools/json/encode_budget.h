// The CLI's JSON view of a MemoryBudget, shared by `capplan memory --json`, `capplan fit --json` and POST /api/fit
// (the keys of `capplan fit --json`; POST /api/memory keeps its own, EncodeMemoryBudget in encode.h).
#pragma once

#include <cmath>
#include <nlohmann/json.hpp>

#include "capplan/memory.h"

namespace capplan::json {

/// Whole bytes at the JSON boundary (4-bit weights make shares fractional inside).
inline int64_t WholeBytes(Bytes b) { return static_cast<int64_t>(std::llround(b.v)); }

inline nlohmann::json WeightsJson(const WeightBytes& w) {
  return {{"embedding_bytes", WholeBytes(w.embedding)},
          {"attention_bytes", WholeBytes(w.attention)},
          {"dense_mlp_bytes", WholeBytes(w.dense_mlp)},
          {"routed_experts_bytes", WholeBytes(w.routed_experts)},
          {"shared_experts_bytes", WholeBytes(w.shared_experts)},
          {"router_bytes", WholeBytes(w.router)},
          {"norms_bytes", WholeBytes(w.norms)},
          {"lm_head_bytes", WholeBytes(w.lm_head)},
          {"vision_bytes", WholeBytes(w.vision)}};
}

inline nlohmann::json LayoutJson(const Parallelism& p) {
  return {{"tp", p.tp}, {"ep", p.ep}, {"pp", p.pp}, {"replicas", p.replicas}};
}

inline nlohmann::json BudgetJson(const MemoryBudget& b) {
  nlohmann::json warnings = nlohmann::json::array();
  for (const auto& w : b.warnings) warnings.push_back({{"code", w.code}, {"message", w.message}});
  return {{"per_gpu",
           {{"capacity_bytes", WholeBytes(b.capacity)},
            {"weights_bytes", WholeBytes(b.weights_total)},
            {"weights_by_component", WeightsJson(b.weights)},
            {"kv_cache_bytes", WholeBytes(b.kv_cache)},
            {"activation_bytes", WholeBytes(b.activations)},
            {"overhead_bytes", WholeBytes(b.overhead)},
            {"free_bytes", WholeBytes(b.free)},
            {"kv_bytes_per_sequence", WholeBytes(b.kv_bytes_per_sequence)},
            {"kv_bytes_per_token", WholeBytes(b.kv_bytes_per_token_per_gpu)},
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
