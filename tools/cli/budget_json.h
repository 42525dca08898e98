// JSON and text views of a MemoryBudget, shared by `capplan memory` and `capplan fit`.
#pragma once

#include <nlohmann/json.hpp>

#include "capplan/memory.h"

namespace capplan::cli {

inline nlohmann::json WeightsJson(const WeightBytes& w) {
  return {{"embedding_bytes", w.embedding.v},       {"attention_bytes", w.attention.v},
          {"dense_mlp_bytes", w.dense_mlp.v},       {"routed_experts_bytes", w.routed_experts.v},
          {"shared_experts_bytes", w.shared_experts.v}, {"router_bytes", w.router.v},
          {"norms_bytes", w.norms.v},               {"lm_head_bytes", w.lm_head.v},
          {"vision_bytes", w.vision.v}};
}

inline nlohmann::json LayoutJson(const Parallelism& p) {
  return {{"tp", p.tp}, {"ep", p.ep}, {"pp", p.pp}, {"replicas", p.replicas}};
}

inline nlohmann::json BudgetJson(const MemoryBudget& b) {
  nlohmann::json warnings = nlohmann::json::array();
  for (const auto& w : b.warnings) warnings.push_back({{"code", w.code}, {"message", w.message}});
  return {{"per_gpu",
           {{"capacity_bytes", b.capacity.v},
            {"weights_bytes", b.weights_total.v},
            {"weights_by_component", WeightsJson(b.weights)},
            {"kv_cache_bytes", b.kv_cache.v},
            {"activation_bytes", b.activations.v},
            {"overhead_bytes", b.overhead.v},
            {"free_bytes", b.free.v},
            {"kv_bytes_per_sequence", b.kv_bytes_per_sequence.v},
            {"kv_bytes_per_token", b.kv_bytes_per_token_per_gpu.v},
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

}  // namespace capplan::cli
