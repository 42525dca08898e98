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

std::string_view WeightComponentName(WeightComponent c) {
  switch (c) {
    case WeightComponent::kEmbedding:
      return "embedding";
    case WeightComponent::kAttention:
      return "attention";
    case WeightComponent::kDenseMlp:
      return "dense_mlp";
    case WeightComponent::kRoutedExperts:
      return "routed_experts";
    case WeightComponent::kSharedExperts:
      return "shared_experts";
    case WeightComponent::kRouter:
      return "router";
    case WeightComponent::kNorms:
      return "norms";
    case WeightComponent::kLmHead:
      return "lm_head";
    case WeightComponent::kVision:
      break;
  }
  return "vision";
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
  const DType linear = p.linear.value_or(p.base);
  const DType experts = p.routed_experts.value_or(linear);
  const DType embed = p.quantize_embeddings ? linear : p.base;
  // The dtype each component is stored in.
  const auto dtype = [&](WeightComponent c) {
    switch (c) {
      case WeightComponent::kEmbedding:
      case WeightComponent::kLmHead:
        return embed;
      case WeightComponent::kRoutedExperts:
        return experts;
      case WeightComponent::kNorms:
      case WeightComponent::kVision:
        return p.base;
      case WeightComponent::kAttention:
      case WeightComponent::kDenseMlp:
      case WeightComponent::kSharedExperts:
      case WeightComponent::kRouter:
        break;
    }
    return linear;
  };
  WeightBytes out;
  for (const WeightComponent c : kWeightComponents)
    WeightComponentOf(out, c) = Bytes{static_cast<double>(WeightComponentOf(m.params, c)) * BytesPerElement(dtype(c))};
  return out;
}

}  // namespace capplan
