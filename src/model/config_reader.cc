#include "model/config_reader.h"

#include <fmt/format.h>

namespace capplan::model_internal {

namespace {

// Physical limits of a config field: well above every published model (largest known in
// parentheses), low enough that a typo fails at once instead of building 10^8 layers, and that
// no parameter count can overflow 64 bits (1024 layers x 16384 experts x 3 x 65536 x 262144 < 2^63).
struct FieldLimit {
  std::string_view key;
  int64_t max;
};
constexpr FieldLimit kFieldLimits[] = {
    {"num_hidden_layers", 1024},  // (126, Llama 3.1 405B)
    {"n_layers", 1024},
    {"depth", 1024},
    {"hidden_size", 65536},  // (18432)
    {"d_model", 65536},
    {"intermediate_size", 262144},  // (53248)
    {"intermediate_size_mlp", 262144},
    {"moe_intermediate_size", 262144},
    {"shared_expert_intermediate_size", 262144},
    {"moe_shared_expert_intermediate_size", 262144},
    {"ffn_hidden_size", 262144},
    {"num_attention_heads", 4096},  // (128)
    {"n_heads", 4096},
    {"num_heads", 4096},
    {"num_key_value_heads", 4096},
    {"num_global_key_value_heads", 4096},
    {"kv_n_heads", 4096},
    {"head_dim", 8192},  // (512)
    {"global_head_dim", 8192},
    {"qk_nope_head_dim", 8192},
    {"qk_rope_head_dim", 8192},
    {"qk_head_dim", 8192},
    {"v_head_dim", 8192},
    {"kv_lora_rank", 65536},
    {"q_lora_rank", 65536},
    {"o_lora_rank", 65536},
    {"vocab_size", 16777216},                 // (262144)
    {"max_position_embeddings", 1073741824},  // (10,485,760, Llama 4 Scout)
    {"max_seq_len", 1073741824},
    {"num_experts", 16384},  // (512)
    {"n_routed_experts", 16384},
    {"num_local_experts", 16384},
    {"moe_num_experts", 16384},
    {"n_shared_experts", 16384},
    {"num_experts_per_tok", 16384},
    {"top_k_experts", 16384},
    {"moe_top_k", 16384},
    {"linear_num_key_heads", 4096},
    {"linear_num_value_heads", 4096},
    {"linear_key_head_dim", 8192},
    {"linear_value_head_dim", 8192},
    {"mamba_num_heads", 4096},
    {"mamba_head_dim", 8192},
    {"ssm_state_size", 65536},
    {"n_groups", 4096},
    {"conv_kernel", 64},
    {"linear_conv_kernel_dim", 64},
    {"index_n_heads", 4096},
    {"index_head_dim", 8192},
    {"index_topk", 1073741824},
    {"sliding_window", 1073741824},
    {"attention_chunk_size", 1073741824},
    {"num_nextn_predict_layers", 1024},
    {"mtp_num_hidden_layers", 1024},
    {"first_k_dense_replace", 1024},
    {"patch_size", 4096},
    {"image_size", 65536},
    {"num_position_embeddings", 16777216},
    {"position_embedding_size", 16777216},
};

std::optional<int64_t> LimitOf(std::string_view key) {
  for (const auto& l : kFieldLimits)
    if (l.key == key) return l.max;
  return std::nullopt;
}

}  // namespace

bool ConfigReader::WithinLimit(std::string_view key, int64_t value) {
  const auto limit = LimitOf(key);
  if (!limit || value <= *limit) return true;
  Report(key, fmt::format("{}={} exceeds the physical limit of {} for this field", Path(key), value, *limit));
  return false;
}

ConfigReader ConfigReader::Nested(std::string_view key) const {
  ConfigReader r(*Find(key), source_, Path(key) + ".");
  r.parent_ = const_cast<ConfigReader*>(this);
  return r;
}

bool ConfigReader::IsObject(std::string_view key) const {
  const auto* v = Find(key);
  return v != nullptr && v->is_object();
}

const nlohmann::json* ConfigReader::Find(std::string_view key) const {
  auto it = obj_.find(key);
  if (it == obj_.end()) return nullptr;
  return &*it;
}

bool ConfigReader::Has(std::string_view key) const {
  const auto* v = Find(key);
  return v != nullptr && !v->is_null();
}

void ConfigReader::SetError(Error e) {
  if (parent_ != nullptr) {
    parent_->SetError(e);
    return;
  }
  if (!error_) error_ = std::move(e);
}

void ConfigReader::Fail(std::string_view key, const std::string& rule) {
  Report(key, fmt::format("{} {}", Path(key), rule));
}

void ConfigReader::Report(std::string_view key, const std::string& text) {
  SetError(Error::InvalidArgument(fmt::format("{}: {}", source_, text), Path(key)));
}

void ConfigReader::FailMissing(std::string_view key) {
  SetError(Error::InvalidArgument(fmt::format("{}: missing field '{}'", source_, Path(key)), Path(key)));
}

void ConfigReader::FailType(std::string_view key, std::string_view expected, const nlohmann::json& got) {
  Fail(key, fmt::format("must be {}, got {}", expected, got.dump()));
}

int64_t ConfigReader::Positive(std::string_view key) {
  if (Find(key) == nullptr) {
    FailMissing(key);
    return 0;
  }
  const auto& v = *Find(key);
  if (!v.is_number_integer() || v.get<int64_t>() <= 0) {
    FailType(key, "a positive integer", v);
    return 0;
  }
  return WithinLimit(key, v.get<int64_t>()) ? v.get<int64_t>() : 0;
}

int64_t ConfigReader::PositiveOr(std::string_view key, int64_t fallback) {
  return OptionalPositive(key).value_or(fallback);
}

std::optional<int64_t> ConfigReader::OptionalPositive(std::string_view key) {
  if (!Has(key)) return std::nullopt;
  const auto& v = *Find(key);
  if (!v.is_number_integer() || v.get<int64_t>() <= 0) {
    FailType(key, "a positive integer", v);
    return std::nullopt;
  }
  if (!WithinLimit(key, v.get<int64_t>())) return std::nullopt;
  return v.get<int64_t>();
}

int64_t ConfigReader::NonNegativeOr(std::string_view key, int64_t fallback) {
  if (!Has(key)) return fallback;
  const auto& v = *Find(key);
  if (!v.is_number_integer() || v.get<int64_t>() < 0) {
    FailType(key, "a non-negative integer", v);
    return fallback;
  }
  return WithinLimit(key, v.get<int64_t>()) ? v.get<int64_t>() : fallback;
}

bool ConfigReader::BoolOr(std::string_view key, bool fallback) {
  if (!Has(key)) return fallback;
  const auto& v = *Find(key);
  if (!v.is_boolean()) {
    FailType(key, "true or false", v);
    return fallback;
  }
  return v.get<bool>();
}

std::string ConfigReader::StringOr(std::string_view key, std::string fallback) {
  if (!Has(key)) return fallback;
  const auto& v = *Find(key);
  if (!v.is_string()) {
    FailType(key, "a string", v);
    return fallback;
  }
  return v.get<std::string>();
}

std::string ConfigReader::RequiredString(std::string_view key) {
  if (!Has(key)) {
    FailMissing(key);
    return "";
  }
  return StringOr(key, "");
}

std::vector<std::string> ConfigReader::StringList(std::string_view key) {
  std::vector<std::string> out;
  if (!Has(key)) return out;
  const auto& v = *Find(key);
  if (!v.is_array()) {
    FailType(key, "a list of strings", v);
    return out;
  }
  for (const auto& e : v) {
    if (!e.is_string()) {
      FailType(key, "a list of strings", v);
      return {};
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::vector<int64_t> ConfigReader::IntList(std::string_view key) {
  std::vector<int64_t> out;
  if (!Has(key)) return out;
  const auto& v = *Find(key);
  if (!v.is_array()) {
    FailType(key, "a list of non-negative integers", v);
    return out;
  }
  for (const auto& e : v) {
    if (!e.is_number_integer() || e.get<int64_t>() < 0) {
      FailType(key, "a list of non-negative integers", v);
      return {};
    }
    out.push_back(e.get<int64_t>());
  }
  return out;
}

void ConfigReader::RequireDivides(std::string_view divisor_key, int64_t divisor, std::string_view key, int64_t value) {
  if (divisor <= 0 || value <= 0) return;  // already reported by the field read
  if (value % divisor != 0)
    Report(divisor_key, fmt::format("{}={} does not divide {}={}", Path(divisor_key), divisor, Path(key), value));
}

void ConfigReader::RequireAtMost(std::string_view key, int64_t value, std::string_view limit_key, int64_t limit) {
  if (value > limit) Report(key, fmt::format("{}={} exceeds {}={}", Path(key), value, Path(limit_key), limit));
}

}  // namespace capplan::model_internal
