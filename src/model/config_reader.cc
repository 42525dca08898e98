#include "model/config_reader.h"

#include <fmt/format.h>

namespace capplan::model_internal {

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
  return v.get<int64_t>();
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
  return v.get<int64_t>();
}

int64_t ConfigReader::NonNegativeOr(std::string_view key, int64_t fallback) {
  if (!Has(key)) return fallback;
  const auto& v = *Find(key);
  if (!v.is_number_integer() || v.get<int64_t>() < 0) {
    FailType(key, "a non-negative integer", v);
    return fallback;
  }
  return v.get<int64_t>();
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
