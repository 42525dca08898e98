#include "model/builder.h"

#include <fmt/format.h>

namespace capplan::model_internal {

int64_t GqaAttentionParams(const GqaShape& s) {
  const int64_t q = s.heads * s.head_dim;
  const int64_t kv = s.kv_heads * s.head_dim;
  int64_t n = s.hidden * q + 2 * s.hidden * kv + q * s.hidden;
  if (s.qkv_bias) n += q + 2 * kv;
  if (s.o_bias) n += s.hidden;
  if (s.qk_norm) n += 2 * s.head_dim;
  if (s.sinks) n += s.heads;
  return n;
}

CommonDims ReadCommonDims(ConfigReader& r) {
  CommonDims d;
  d.hidden = r.Positive("hidden_size");
  d.layers = r.Positive("num_hidden_layers");
  d.heads = r.Positive("num_attention_heads");
  d.kv_heads = r.PositiveOr("num_key_value_heads", d.heads);
  d.vocab = r.Positive("vocab_size");
  d.max_context = r.PositiveOr("max_position_embeddings", 0);
  d.tied = r.BoolOr("tie_word_embeddings", false);
  d.torch_dtype = r.StringOr("torch_dtype", "bfloat16");
  d.head_dim = r.PositiveOr("head_dim", d.heads > 0 ? d.hidden / d.heads : 0);
  if (!r.Has("head_dim")) r.RequireDivides("num_attention_heads", d.heads, "hidden_size", d.hidden);
  r.RequireDivides("num_key_value_heads", d.kv_heads, "num_attention_heads", d.heads);
  return d;
}

std::vector<AttentionKind> ReadLayerTypes(ConfigReader& r, int64_t layers, AttentionKind fallback) {
  const auto names = r.StringList("layer_types");
  std::vector<AttentionKind> kinds(static_cast<size_t>(layers), fallback);
  if (names.empty()) return kinds;
  if (static_cast<int64_t>(names.size()) != layers) {
    r.Fail("layer_types", fmt::format("has {} entries but num_hidden_layers={}", names.size(), layers));
    return kinds;
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "full_attention") {
      kinds[i] = AttentionKind::kFull;
    } else if (names[i] == "sliding_attention") {
      kinds[i] = AttentionKind::kSliding;
    } else if (names[i] == "chunked_attention") {
      kinds[i] = AttentionKind::kChunked;
    } else {
      r.Fail("layer_types", fmt::format("has unknown entry '{}' (expected full_attention, sliding_attention or "
                                        "chunked_attention)",
                                        names[i]));
      return kinds;
    }
  }
  return kinds;
}

ModelSpec BaseSpec(const CommonDims& d, const std::string& family) {
  ModelSpec m;
  m.family = family;
  m.mode = InputMode::kConfig;
  m.hidden_size = d.hidden;
  m.vocab_size = d.vocab;
  m.max_context = d.max_context;
  m.tied_embeddings = d.tied;
  m.attention = {.num_heads = static_cast<int>(d.heads),
                 .num_kv_heads = static_cast<int>(d.kv_heads),
                 .head_dim = static_cast<int>(d.head_dim),
                 .v_head_dim = static_cast<int>(d.head_dim)};
  auto dt = ParseDType(d.torch_dtype, "torch_dtype");
  m.native.base = dt.ok() ? *dt : DType::kBF16;
  m.native.description = fmt::format("{} weights (torch_dtype)", DTypeName(m.native.base));
  return m;
}

void Assemble(ModelSpec& m, int64_t embedding, int64_t lm_head, int64_t final_norm, int64_t vision) {
  ParamBreakdown p;
  for (const auto& l : m.layers) {
    p.attention += l.attention_params;
    p.dense_mlp += l.dense_mlp_params;
    p.routed_experts += l.num_experts * l.expert_params;
    p.shared_experts += l.shared_expert_params;
    p.router += l.router_params;
    p.norms += l.norm_params;
  }
  p.embedding = embedding;
  p.lm_head = lm_head;
  p.norms += final_norm;
  p.vision = vision;
  m.params = p;
}

}  // namespace capplan::model_internal
