// Totals, actives and weight bytes per precision.
#include <algorithm>

#include "capplan/model.h"

namespace capplan {

std::string_view AttentionKindName(AttentionKind k) {
  switch (k) {
    case AttentionKind::kFull:
      return "full";
    case AttentionKind::kSliding:
      return "sliding";
    case AttentionKind::kChunked:
      return "chunked";
  }
  return "full";
}

int64_t TotalParams(const ModelSpec& m) { return m.params.Total(); }

ParamBreakdown ActiveParamBreakdown(const ModelSpec& m, bool include_embedding) {
  ParamBreakdown a = m.params;
  a.routed_experts = 0;
  for (const auto& l : m.layers) a.routed_experts += static_cast<int64_t>(l.experts_per_token) * l.expert_params;
  a.vision = 0;
  if (!include_embedding) a.embedding = 0;
  return a;
}

int64_t ActiveParams(const ModelSpec& m, bool include_embedding) {
  return ActiveParamBreakdown(m, include_embedding).Total();
}

DType AutoKvDtype(const ModelSpec& m) {
  const bool sixteen = m.native.base == DType::kBF16 || m.native.base == DType::kFP16;
  return m.native_kv.value_or(sixteen ? m.native.base : DType::kBF16);
}

std::string AutoKvDtypeSource(const ModelSpec& m) {
  return m.native_kv ? m.native_kv_source : "the checkpoint sets no KV scheme: its activation dtype";
}

WeightPrecision NativeWeightPrecision(const ModelSpec& m) {
  return {.base = m.native.base,
          .routed_experts = m.native.routed_experts,
          .linear = m.native.linear,
          .quantize_embeddings = false};
}

bool HasMoeLayers(const ModelSpec& m) {
  return std::any_of(m.layers.begin(), m.layers.end(), [](const LayerSpec& l) { return l.is_moe(); });
}

WeightPrecision UniformWeightPrecision(DType t) {
  // 16- and 32-bit choices apply to everything; lower precisions to the linear layers only.
  if (t == DType::kBF16 || t == DType::kFP16 || t == DType::kFP32)
    return {.base = t, .routed_experts = std::nullopt, .linear = std::nullopt, .quantize_embeddings = false};
  return {.base = DType::kBF16, .routed_experts = std::nullopt, .linear = t, .quantize_embeddings = false};
}

WeightBytes WeightBytesOf(const ModelSpec& m, const WeightPrecision& p) {
  const auto bytes = [](int64_t n, DType t) { return Bytes{static_cast<double>(n) * BytesPerElement(t)}; };
  const DType linear = p.linear.value_or(p.base);
  const DType experts = p.routed_experts.value_or(linear);
  const DType embed = p.quantize_embeddings ? linear : p.base;
  const ParamBreakdown& n = m.params;
  return {.embedding = bytes(n.embedding, embed),
          .attention = bytes(n.attention, linear),
          .dense_mlp = bytes(n.dense_mlp, linear),
          .routed_experts = bytes(n.routed_experts, experts),
          .shared_experts = bytes(n.shared_experts, linear),
          .router = bytes(n.router, linear),
          .norms = bytes(n.norms, p.base),
          .lm_head = bytes(n.lm_head, embed),
          .vision = bytes(n.vision, p.base)};
}

}  // namespace capplan
