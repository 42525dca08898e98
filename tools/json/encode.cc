#include "encode.h"

#include <string>

#include "capplan/launch.h"
#include "encode_budget.h"
#include "encode_launch.h"
#include "encode_results.h"

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
  nlohmann::json state_kinds = nlohmann::json::array();
  for (const auto& k : SequenceMemoryByLayerKind(m, DType::kBF16))
    state_kinds.push_back({{"kind", k.kind},
                           {"layers", k.num_layers},
                           {"kv_bytes_per_token", k.kv_per_token.v},
                           {"state_bytes_per_sequence", k.state_per_sequence.v}});
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
        {"bytes_per_token_by_layer_kind", kinds},
        {"native_kv_dtype", m.native_kv ? std::string(DTypeName(*m.native_kv)) : std::string()},
        {"native_kv_source", m.native_kv_source}}},
      {"state", {{"bytes_per_sequence", StateBytesPerSequence(m).v}, {"by_layer_kind", state_kinds}}},
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
          {"family", m.family},
          {"aliases", p.aliases},
          {"params",
           {{"total", TotalParams(m)},
            {"active", ActiveParams(m, true)},
            {"active_without_embedding", ActiveParams(m, false)}}},
          {"num_experts", arch["num_experts"]},
          {"experts_per_token", arch["experts_per_token"]}};
}

Result<nlohmann::json> EncodeModels() {
  nlohmann::json models = nlohmann::json::array();
  for (const PresetInfo& p : ListPresets()) {
    CAPPLAN_ASSIGN_OR_RETURN(ModelSpec m, LoadPreset(p.name));  // a broken built-in preset: say so
    models.push_back(EncodePreset(p, m));
  }
  return nlohmann::json{{"models", models}};
}

nlohmann::json EncodeGpus(const std::vector<GpuSpec>& gpus) {
  nlohmann::json out = nlohmann::json::array();
  for (const GpuSpec& g : gpus) out.push_back(EncodeGpu(g));
  return {{"gpus", out}};
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
          {"memory_usable_source", g.memory_usable_source},
          {"hbm_bandwidth_bytes_per_second", g.hbm_bandwidth.v},
          {"dense_peak_flops_per_second", peak},
          {"interconnect", g.interconnect},
          {"scale_up_bandwidth_bytes_per_second", g.scale_up_bandwidth.v},
          {"pcie_gen", g.pcie_gen},
          {"pcie_bandwidth_bytes_per_second", g.pcie_bandwidth.v},
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

nlohmann::json EncodeMemory(const ModelSpec& m, const Deployment& d, const BudgetQuery& q, const MemoryBudget& b,
                            bool layout_auto, const std::string& hf_id) {
  nlohmann::json out = EncodeDeploymentSummary(m, d);
  out["layout"]["auto"] = layout_auto;
  out["gpu_name"] = d.gpu.name;
  out["gpu_memory_usable_bytes"] = d.gpu.memory_usable.v;
  out.update(BudgetJson(b));
  out["limitations"] = m.limitations;
  // The commands that start the configuration on screen (issue 16), bounded as the budget was asked.
  if (b.fits) {
    auto launch = WriteLaunchCommandsAllEngines({.hf_id = hf_id,
                                                 .deployment = d,
                                                 .max_model_len = d.max_model_len > 0 ? d.max_model_len : q.context,
                                                 .max_num_seqs = d.max_num_seqs > 0 ? d.max_num_seqs : q.batch});
    if (launch.ok()) out["launch"] = EncodeLaunchCommands(*launch);
  }
  return out;
}

}  // namespace capplan::json
