#include "encode.h"

#include <string>

namespace capplan::json {
namespace {

nlohmann::json ParamComponents(const ParamBreakdown& p) {
  return {{"embedding", p.embedding},
          {"attention", p.attention},
          {"dense_mlp", p.dense_mlp},
          {"routed_experts", p.routed_experts},
          {"shared_experts", p.shared_experts},
          {"router", p.router},
          {"norms", p.norms},
          {"lm_head", p.lm_head},
          {"vision", p.vision}};
}

nlohmann::json WeightComponents(const WeightBytes& w) {
  return {{"embedding", w.embedding.v},
          {"attention", w.attention.v},
          {"dense_mlp", w.dense_mlp.v},
          {"routed_experts", w.routed_experts.v},
          {"shared_experts", w.shared_experts.v},
          {"router", w.router.v},
          {"norms", w.norms.v},
          {"lm_head", w.lm_head.v},
          {"vision", w.vision.v}};
}

nlohmann::json Architecture(const ModelSpec& m) {
  int moe_layers = 0, num_experts = 0, experts_per_token = 0;
  for (const LayerSpec& l : m.layers) {
    if (!l.is_moe()) continue;
    ++moe_layers;
    num_experts = l.num_experts;
    experts_per_token = l.experts_per_token;
  }
  return {{"num_layers", m.layers.size()},       {"moe_layers", moe_layers},
          {"num_experts", num_experts},          {"experts_per_token", experts_per_token},
          {"hidden_size", m.hidden_size},        {"vocab_size", m.vocab_size},
          {"max_context_tokens", m.max_context}, {"tied_embeddings", m.tied_embeddings},
          {"num_heads", m.attention.num_heads},  {"num_kv_heads", m.attention.num_kv_heads},
          {"head_dim", m.attention.head_dim},    {"mla", m.attention.mla}};
}

}  // namespace

nlohmann::json EncodeError(const Error& e) {
  return {{"error", {{"code", ErrorCodeName(e.code)}, {"message", e.message}, {"field", e.field}}}};
}

nlohmann::json EncodeModel(const ModelSpec& m, int64_t context) {
  nlohmann::json kinds = nlohmann::json::array();
  for (const KvByLayerKind& k : KvBytesPerTokenByLayerKind(m, DType::kBF16))
    kinds.push_back({{"kind", AttentionKindName(k.kind)},
                     {"layers", k.num_layers},
                     {"window_tokens", k.window},
                     {"bytes_per_token", k.bytes_per_token.v}});
  FlopsPerToken flops = FlopsPerTokenAt(m, context);
  nlohmann::json weights = nlohmann::json::object();
  weights["native"] = WeightBytesOf(m, NativeWeightPrecision(m)).Total().v;
  for (DType t : {DType::kBF16, DType::kFP8, DType::kINT8, DType::kINT4, DType::kMXFP4, DType::kNVFP4})
    weights[std::string(DTypeName(t))] = WeightBytesOf(m, UniformWeightPrecision(t)).Total().v;
  return {
      {"name", m.name},
      {"family", m.family},
      {"source", m.source},
      {"mode", m.mode == InputMode::kSimple ? "simple" : "config"},
      {"params",
       {{"total", TotalParams(m)},
        {"active", ActiveParams(m, true)},
        {"active_without_embedding", ActiveParams(m, false)},
        {"components", ParamComponents(m.params)},
        {"active_components", ParamComponents(ActiveParamBreakdown(m, true))},
        {"mtp_extra", m.mtp_params}}},
      {"hidden_size", m.hidden_size},
      {"num_layers", m.layers.size()},
      {"vocab_size", m.vocab_size},
      {"max_context_tokens", m.max_context},
      {"architecture", Architecture(m)},
      {"native_precision", m.native.description},
      {"weights_bytes", weights},
      {"kv_cache",
       {{"dtype", "bf16"},
        {"context_tokens", context},
        {"bytes_per_token", KvBytesPerToken(m, DType::kBF16).v},
        {"bytes_per_sequence", KvBytesPerSequence(m, context, DType::kBF16, /*per_layer_type=*/true).v},
        {"bytes_per_sequence_without_per_layer_type",
         KvBytesPerSequence(m, context, DType::kBF16, /*per_layer_type=*/false).v},
        {"mla", m.attention.mla},
        {"elements_per_token_per_layer", KvElementsPerTokenPerLayer(m)},
        {"bytes_per_token_by_layer_kind", kinds}}},
      {"flops_per_token",
       {{"context_tokens", context},
        {"linear_flops", flops.linear.v},
        {"attention_flops", flops.attention.v},
        {"total_flops", flops.Total().v}}},
      {"limitations", m.limitations},
  };
}

nlohmann::json EncodePreset(const PresetInfo& p, const ModelSpec& m) {
  nlohmann::json arch = Architecture(m);
  return {{"name", p.name},
          {"hf_id", p.hf_id},
          {"official", p.official},
          {"total_params", TotalParams(m)},
          {"active_params", ActiveParams(m, true)},
          {"num_experts", arch["num_experts"]},
          {"experts_per_token", arch["experts_per_token"]}};
}

nlohmann::json EncodeGpu(const GpuSpec& g) {
  nlohmann::json peak = nlohmann::json::object();
  const std::pair<ComputeClass, const char*> classes[] = {{ComputeClass::kBF16, "bf16"},
                                                          {ComputeClass::kFP8, "fp8"},
                                                          {ComputeClass::kINT8, "int8"},
                                                          {ComputeClass::kFP4, "fp4"}};
  for (const auto& [c, name] : classes)
    if (HasNativeCompute(g, c)) peak[name] = PeakFlops(g, c).v;
  return {{"id", g.id},
          {"name", g.name},
          {"vendor", g.vendor},
          {"aliases", g.aliases},
          {"memory_marketed_bytes", g.memory_marketed.v},
          {"memory_usable_bytes", g.memory_usable.v},
          {"hbm_bandwidth_bytes_per_second", g.hbm_bandwidth.v},
          {"dense_peak_flops_per_second", peak},
          {"interconnect", g.interconnect},
          {"scale_up_bandwidth_bytes_per_second", g.scale_up_bandwidth.v},
          {"pcie_gen", g.pcie_gen},
          {"gpus_per_node", g.gpus_per_node},
          {"scale_out_bandwidth_bytes_per_second", g.scale_out_bandwidth.v},
          {"tdp_watts", g.tdp_watts},
          {"source", g.source}};
}

nlohmann::json EncodeLayout(const Parallelism& p) {
  return {{"tp", p.tp},
          {"dp_attention", p.dp_attention},
          {"ep", p.ep},
          {"moe_tp", p.MoeTp()},
          {"eplb_redundant", p.eplb_redundant},
          {"pp", p.pp},
          {"replicas", p.replicas},
          {"gpus_per_replica", p.GpusPerReplica()},
          {"total_gpus", p.TotalGpus()}};
}

nlohmann::json EncodeMemoryBudget(const MemoryBudget& b) {
  nlohmann::json warnings = nlohmann::json::array();
  for (const Warning& w : b.warnings) warnings.push_back({{"code", w.code}, {"message", w.message}});
  return {{"per_gpu",
           {{"weights_bytes", b.weights_total.v},
            {"weights_by_component_bytes", WeightComponents(b.weights)},
            {"kv_cache_bytes", b.kv_cache.v},
            {"kv_cache_needed_bytes", b.kv_needed.v},
            {"kv_bytes_per_sequence", b.kv_bytes_per_sequence.v},
            {"state_bytes_per_sequence", b.state_bytes_per_sequence.v},
            {"activation_bytes", b.activations.v},
            {"overhead_bytes", b.overhead.v},
            {"capacity_bytes", b.capacity.v},
            {"free_bytes", b.free.v}}},
          {"fits", b.fits},
          {"reason", b.reason},
          {"kv_bytes_per_token_per_gpu", b.kv_bytes_per_token_per_gpu.v},
          {"kv_tokens", b.kv_tokens},
          {"max_concurrent_sequences", b.max_concurrent_sequences},
          {"max_context_at_batch", b.max_context_at_batch},
          {"context", b.context},
          {"batch", b.batch},
          {"busiest_stage", b.busiest_stage},
          {"warnings", warnings}};
}

}  // namespace capplan::json
