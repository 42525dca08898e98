// The checkpoint's own precision per component and its KV-cache scheme, from the
// quantization_config of config.json (quant_method fp8 / mxfp4 / modelopt / compressed-tensors) or
// a ModelOpt hf_quant_config.json beside it. Family adapters that know their scheme (DeepSeek FP8,
// gpt-oss MXFP4) set it first; this fills what they left unset. See docs/models.md.
#include "model/quantization.h"

#include <fmt/format.h>

#include <cctype>

namespace capplan::model_internal {

namespace {

using nlohmann::json;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// ModelOpt's algorithm names and compressed-tensors' (bits, type, group) weight schemes.
std::optional<DType> FromAlgo(const std::string& algo) {
  const std::string a = Lower(algo);
  if (a == "nvfp4" || a == "nvfp4_awq") return DType::kNVFP4;
  if (a == "mxfp4") return DType::kMXFP4;
  if (a == "fp8" || a == "fp8_pb_wo" || a == "fp8_block") return DType::kFP8;
  if (a == "int8" || a == "int8_sq" || a == "w8a8_sq_per_channel") return DType::kINT8;
  if (a == "int4_awq" || a == "w4a16_awq" || a == "w4a8_awq") return DType::kINT4;
  return std::nullopt;
}

std::optional<DType> FromBits(const json& scheme) {
  if (!scheme.is_object()) return std::nullopt;
  const int bits = scheme.value("num_bits", 0);
  const std::string type = scheme.value("type", std::string("int"));
  const int group =
      scheme.contains("group_size") && scheme["group_size"].is_number_integer() ? scheme["group_size"].get<int>() : 0;
  if (bits == 8) return type == "float" ? DType::kFP8 : DType::kINT8;
  if (bits == 4 && type == "float") return group == 32 ? DType::kMXFP4 : DType::kNVFP4;
  if (bits == 4) return DType::kINT4;
  return std::nullopt;
}

std::vector<std::string> Strings(const json& obj, const char* key) {
  std::vector<std::string> out;
  if (!obj.is_object() || !obj.contains(key) || !obj[key].is_array()) return out;
  for (const auto& e : obj[key])
    if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

// Where the weight scheme applies: every linear layer, or (when attention or shared experts are
// excluded, as NVIDIA's NVFP4 MoE checkpoints do) the routed experts only. Dense-layer exclusions
// then fall out with the rest: the conservative reading (more bytes) when a list mixes them.
void ApplyWeights(DType t, const std::vector<std::string>& excluded, const std::string& what, ModelSpec& m) {
  bool attention = false, shared = false;
  for (const auto& e : excluded) {
    attention = attention || e.find("attn") != std::string::npos;
    shared = shared || e.find("shared_expert") != std::string::npos;
  }
  const bool experts_only = (attention || shared) && m.params.routed_experts > 0;
  if (experts_only) {
    m.native.routed_experts = t;
    m.native.description =
        fmt::format("{} routed experts ({}), {} rest (excluded: {})", DTypeName(t), what, DTypeName(m.native.base),
                    attention && shared ? "attention, shared experts"
                    : attention         ? "attention"
                                        : "shared experts");
    if (attention != shared)
      m.limitations.push_back(
          fmt::format("{}: only part of the non-expert layers is excluded from {}; counted as "
                      "all of them in {} (more bytes)",
                      what, DTypeName(t), DTypeName(m.native.base)));
  } else {
    m.native.linear = t;
    m.native.description = fmt::format("{} linear layers ({}), embedding, LM head and norms {}", DTypeName(t), what,
                                       DTypeName(m.native.base));
  }
}

void SetKv(std::optional<DType> kv, const std::string& where, ModelSpec& m) {
  if (!kv) return;
  m.native_kv = kv;
  m.native_kv_source = where;
}

}  // namespace

Result<bool> ApplyQuantization(const json& config, const json* hf_quant, const std::string& source,
                               const std::string& hf_quant_source, ModelSpec& m) {
  const bool adapter_set = m.native.linear || m.native.routed_experts;
  if (hf_quant != nullptr) {
    const json q = hf_quant->is_object() && hf_quant->contains("quantization") ? (*hf_quant)["quantization"] : json{};
    if (!q.is_object())
      return Error::InvalidArgument(fmt::format("{}: missing object 'quantization'", hf_quant_source), "quantization");
    const std::string algo = q.value("quant_algo", std::string());
    const auto t = FromAlgo(algo);
    if (!algo.empty() && !t)
      return Error::Unsupported(fmt::format("{}: quantization.quant_algo '{}' is not supported (supported: NVFP4, "
                                            "MXFP4, FP8, INT8, INT4_AWQ, W4A8_AWQ)",
                                            hf_quant_source, algo),
                                "quantization.quant_algo");
    if (t) ApplyWeights(*t, Strings(q, "exclude_modules"), hf_quant_source + " quant_algo=" + algo, m);
    const std::string kv = q.value("kv_cache_quant_algo", std::string());
    if (!kv.empty() && Lower(kv) != "none") {
      const auto k = FromAlgo(kv);
      if (!k)
        return Error::Unsupported(
            fmt::format("{}: quantization.kv_cache_quant_algo '{}' is not supported (supported: FP8, INT8, NVFP4)",
                        hf_quant_source, kv),
            "quantization.kv_cache_quant_algo");
      SetKv(k, hf_quant_source + " kv_cache_quant_algo=" + kv, m);
    }
    return true;
  }
  const json* qc = nullptr;
  if (config.contains("quantization_config") && config["quantization_config"].is_object())
    qc = &config["quantization_config"];
  else if (config.contains("text_config") && config["text_config"].is_object() &&
           config["text_config"].contains("quantization_config") &&
           config["text_config"]["quantization_config"].is_object())
    qc = &config["text_config"]["quantization_config"];
  if (qc == nullptr) return false;
  const std::string method = qc->value("quant_method", std::string());
  const std::string where = source + " quantization_config.quant_method=" + method;
  if (qc->contains("kv_cache_scheme")) SetKv(FromBits((*qc)["kv_cache_scheme"]), where + " kv_cache_scheme", m);
  if (adapter_set) return true;
  if (method == "fp8") {
    ApplyWeights(DType::kFP8, Strings(*qc, "modules_to_not_convert"), where, m);
  } else if (method == "mxfp4") {
    m.native.routed_experts = DType::kMXFP4;
    m.native.description = fmt::format("MXFP4 routed experts ({}), {} rest", where, DTypeName(m.native.base));
  } else if (method == "modelopt") {
    const std::string algo = qc->value("quant_algo", std::string());
    const auto t = FromAlgo(algo);
    if (!t)
      return Error::Unsupported(fmt::format("{}: quantization_config.quant_algo '{}' is not supported", source, algo),
                                "quantization_config.quant_algo");
    ApplyWeights(*t, Strings(*qc, "ignore"), where + " quant_algo=" + algo, m);
  } else if (method == "compressed-tensors") {
    std::optional<DType> t;
    if (qc->contains("config_groups") && (*qc)["config_groups"].is_object())
      for (const auto& [name, group] : (*qc)["config_groups"].items())
        if (group.is_object() && group.contains("weights")) t = t ? t : FromBits(group["weights"]);
    if (!t)
      return Error::Unsupported(
          fmt::format("{}: quantization_config.config_groups has no weight scheme capplan knows (4- or 8-bit)", source),
          "quantization_config.config_groups");
    ApplyWeights(*t, Strings(*qc, "ignore"), where, m);
  } else if (!method.empty()) {
    m.limitations.push_back(fmt::format("quantization_config.quant_method '{}' is not read: weights counted in {}",
                                        method, DTypeName(m.native.base)));
  }
  return true;
}

}  // namespace capplan::model_internal
