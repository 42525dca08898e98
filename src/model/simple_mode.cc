// Simple mode: a plausible ModelSpec from the few numbers an MoE calculator panel takes. Total and
// active parameters are reproduced (active exactly; total to within E - k weights, since every
// routed expert of a layer has the same size); everything the numbers cannot tell is listed in
// `limitations`.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "capplan/model.h"
#include "model/builder.h"

namespace capplan {

namespace {

// Named assumptions of simple mode.
constexpr int kDefaultVocab = 128000;  // Llama 3 class tokenizers (128,256), rounded
constexpr int kHiddenRounding = 128;   // hidden sizes are multiples of 128 in every preset
// A dense transformer block holds ~12 hidden^2 weights (4 for attention, 8 for a 4x-wide MLP).
constexpr double kWeightsPerLayerOverHiddenSquared = 12.0;

// Input ranges, far above any published model (the largest have ~2T parameters, 126 layers, 384 experts, hidden
// 25,600, vocabularies of 262k), low enough that every product below fits in int64 (found by fuzz/simple_mode).
constexpr double kMaxParams = 1e13;
constexpr int kMaxLayers = 4096;
constexpr int kMaxHeads = 4096;
constexpr int kMaxHeadDim = 4096;
constexpr int kMaxExperts = 65536;
constexpr int kMaxHiddenSize = 1 << 20;
constexpr int kMaxVocab = 1 << 24;

Error Invalid(const std::string& field, const std::string& rule) {
  // "field=value rule" when the rule starts with the value, "field rule" otherwise.
  const char* sep = rule.starts_with("=") ? "" : " ";
  return Error::InvalidArgument(fmt::format("simple input: {}{}{}", field, sep, rule), field);
}

// Solves 12 L h^2 + 2 V h = active for h, rounded to a multiple of 128 (at least 128).
int64_t EstimateHidden(double active, int64_t layers, int64_t vocab) {
  const double a = kWeightsPerLayerOverHiddenSquared * static_cast<double>(layers);
  const double b = 2.0 * static_cast<double>(vocab);
  const double h = (-b + std::sqrt(b * b + 4 * a * active)) / (2 * a);
  return std::max<int64_t>(kHiddenRounding, std::llround(h / kHiddenRounding) * kHiddenRounding);
}

}  // namespace

Result<ModelSpec> BuildSimpleModel(const SimpleModelInput& in) {
  if (!(in.active_params > 0)) return Invalid("active_params", "must be positive");
  if (in.num_layers <= 0) return Invalid("num_layers", "must be positive");
  if (in.num_kv_heads <= 0) return Invalid("num_kv_heads", "must be positive");
  if (in.head_dim <= 0) return Invalid("head_dim", "must be positive");
  if (in.num_experts < 0) return Invalid("num_experts", "must not be negative");
  if (in.num_experts > 0 && in.experts_per_token <= 0)
    return Invalid("experts_per_token", "must be positive when num_experts > 0");
  if (in.experts_per_token > in.num_experts && in.num_experts > 0)
    return Invalid("experts_per_token",
                   fmt::format("={} exceeds num_experts={}", in.experts_per_token, in.num_experts));
  if (in.total_params && *in.total_params < in.active_params)
    return Invalid("total_params",
                   fmt::format("={:.0f} is smaller than active_params={:.0f}", *in.total_params, in.active_params));
  if (in.num_experts == 0 && in.total_params && std::llround(*in.total_params) != std::llround(in.active_params))
    return Invalid("total_params", "differs from active_params but num_experts=0 (a dense model uses every weight)");
  if (in.hidden_size && *in.hidden_size <= 0) return Invalid("hidden_size", "must be positive");
  if (in.vocab_size && *in.vocab_size <= 0) return Invalid("vocab_size", "must be positive");
  auto over = [](const char* field, double value, double limit) {
    return Invalid(field, fmt::format("={} exceeds the limit of {}", value, limit));
  };
  if (!(in.active_params <= kMaxParams)) return over("active_params", in.active_params, kMaxParams);
  if (in.total_params && !(*in.total_params <= kMaxParams)) return over("total_params", *in.total_params, kMaxParams);
  if (in.num_layers > kMaxLayers) return over("num_layers", in.num_layers, kMaxLayers);
  if (in.num_kv_heads > kMaxHeads) return over("num_kv_heads", in.num_kv_heads, kMaxHeads);
  if (in.head_dim > kMaxHeadDim) return over("head_dim", in.head_dim, kMaxHeadDim);
  if (in.num_experts > kMaxExperts) return over("num_experts", in.num_experts, kMaxExperts);
  if (in.hidden_size && *in.hidden_size > kMaxHiddenSize) return over("hidden_size", *in.hidden_size, kMaxHiddenSize);
  if (in.vocab_size && *in.vocab_size > kMaxVocab) return over("vocab_size", *in.vocab_size, kMaxVocab);

  ModelSpec m;
  m.name = "simple";
  m.family = "simple";
  m.source = "simple input";
  m.mode = InputMode::kSimple;
  const int64_t layers = in.num_layers;
  const int64_t active = std::llround(in.active_params);
  // Without a total an MoE cannot be sized: treat it as dense at its active size.
  const bool moe = in.num_experts > 0 && in.total_params.has_value();
  const int64_t total = in.total_params ? std::llround(*in.total_params) : active;
  const int64_t vocab = in.vocab_size.value_or(kDefaultVocab);
  // Inactive experts carry total - active; each layer's E - k idle experts share it evenly. The expert size
  // does not depend on the hidden size, so the hidden size is estimated from what the k active experts
  // leave of the active parameters.
  int64_t expert = 0;
  if (moe && in.num_experts > in.experts_per_token)
    expert = (total - active) / (layers * (in.num_experts - in.experts_per_token));
  const int64_t active_experts = layers * in.experts_per_token * expert;
  if (active_experts >= active)
    return Invalid("active_params",
                   fmt::format("={} cannot hold {} active experts per layer of {} parameters each (total - active "
                               "spread over {} layers x {} idle experts); check total_params and num_experts",
                               active, in.experts_per_token, expert, layers, in.num_experts - in.experts_per_token));
  const int64_t hidden =
      in.hidden_size ? *in.hidden_size : EstimateHidden(static_cast<double>(active - active_experts), layers, vocab);
  const int64_t kv_dim = static_cast<int64_t>(in.num_kv_heads) * in.head_dim;
  // Query heads: hidden / head_dim, rounded to a multiple of the KV heads (GQA groups).
  int64_t heads = std::max<int64_t>(in.num_kv_heads, hidden / in.head_dim);
  heads = (heads + in.num_kv_heads - 1) / in.num_kv_heads * in.num_kv_heads;
  const int64_t q_dim = heads * in.head_dim;
  m.hidden_size = hidden;
  m.vocab_size = vocab;
  m.attention = {.num_heads = static_cast<int>(heads),
                 .num_kv_heads = in.num_kv_heads,
                 .head_dim = in.head_dim,
                 .v_head_dim = in.head_dim};

  const int64_t attention = 2 * hidden * q_dim + 2 * hidden * kv_dim;
  const int64_t norms = 2 * hidden;
  const int64_t router = moe ? hidden * in.num_experts : 0;
  const int64_t fixed =
      2 * vocab * hidden + hidden + layers * (attention + norms + router + in.experts_per_token * expert);
  const int64_t mlp_rest = active - fixed;  // always-active MLP weights (dense MLP or shared experts)
  if (mlp_rest < 0)
    return Invalid("active_params",
                   fmt::format("={} is too small for {} layers of hidden size {} with {} KV heads of {} "
                               "and vocabulary {}",
                               active, layers, hidden, in.num_kv_heads, in.head_dim, vocab));
  for (int64_t i = 0; i < layers; ++i) {
    // Spread the always-active remainder so that the sum is exact.
    const int64_t mlp = mlp_rest / layers + (i < mlp_rest % layers ? 1 : 0);
    LayerSpec l{.attention_params = attention, .norm_params = norms};
    if (moe) {
      l.num_experts = in.num_experts;
      l.experts_per_token = in.experts_per_token;
      l.expert_params = expert;
      l.shared_expert_params = mlp;
      l.router_params = router;
    } else {
      l.dense_mlp_params = mlp;
    }
    m.layers.push_back(l);
  }
  // Untied: the LM head as large as the embedding; the final norm of `hidden` weights.
  model_internal::Assemble(m, vocab * hidden, vocab * hidden, hidden, 0);
  m.native.description = "bf16 weights (assumed)";

  auto& lim = m.limitations;
  lim.push_back("simple mode: built from a few numbers, not from a config.json");
  lim.push_back(
      "every layer is assumed to be full attention: sliding-window or chunked layers (which need less KV "
      "cache with per-layer-type allocation) are unknown");
  lim.push_back(
      "attention is assumed to be GQA with the given KV heads and head dim: MLA (DeepSeek) cannot be "
      "expressed and would need far less KV cache");
  lim.push_back(
      fmt::format("components are estimated: hidden size {}{}, vocabulary {}{}, untied embeddings, {} query "
                  "heads, no biases",
                  hidden, in.hidden_size ? "" : " (estimated)", vocab, in.vocab_size ? "" : " (assumed)", heads));
  if (moe)
    lim.push_back(
        "the always-active MLP weights (shared experts and dense layers) are reported as shared experts; "
        "routed experts are sized from total - active");
  lim.push_back("a vision encoder, if any, is not separated from the text weights");
  if (in.num_experts > 0 && !in.total_params)
    lim.push_back(
        "total parameters not given: weights are sized as if the active parameters were the total, which "
        "under-sizes the memory of an MoE (all experts stay in GPU memory)");
  return m;
}

}  // namespace capplan
