// Reads fields of one JSON object of a Hugging Face config.json and produces the located error
// messages of the model engine: "config.json: missing field 'text_config.hidden_size'",
// "config.json: hidden_size must be a positive integer, got \"4096\"". The first error sticks:
// adapters read every field they need, then check ok() once before doing arithmetic.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capplan/error.h"

namespace capplan::model_internal {

class ConfigReader {
 public:
  /// `prefix` is the path of `obj` inside the file ("" or "text_config."), used in messages.
  ConfigReader(const nlohmann::json& obj, std::string source, std::string prefix = "")
      : obj_(obj), source_(std::move(source)), prefix_(std::move(prefix)) {}

  /// A reader over the nested object `key` (same source, longer prefix). REQUIRES: IsObject(key).
  ConfigReader Nested(std::string_view key) const;
  bool IsObject(std::string_view key) const;
  /// Present and not null.
  bool Has(std::string_view key) const;

  int64_t Positive(std::string_view key);                         // required, > 0
  int64_t PositiveOr(std::string_view key, int64_t fallback);     // absent or null: fallback
  int64_t NonNegativeOr(std::string_view key, int64_t fallback);  // absent or null: fallback
  std::optional<int64_t> OptionalPositive(std::string_view key);  // absent or null: nullopt
  bool BoolOr(std::string_view key, bool fallback);
  std::string StringOr(std::string_view key, std::string fallback);
  std::string RequiredString(std::string_view key);
  /// A list of strings (e.g. layer_types); empty when absent or null.
  std::vector<std::string> StringList(std::string_view key);
  /// A list of non-negative integers (e.g. mlp_only_layers); empty when absent or null.
  std::vector<int64_t> IntList(std::string_view key);

  /// Consistency rules, each with its exact message.
  void RequireDivides(std::string_view divisor_key, int64_t divisor, std::string_view key, int64_t value);
  void RequireAtMost(std::string_view key, int64_t value, std::string_view limit_key, int64_t limit);
  /// Records an error "<source>: <field> <rule>" unless one is already recorded.
  void Fail(std::string_view key, const std::string& rule);
  /// Records "<source>: <text>" for field `key` unless an error is already recorded.
  void Report(std::string_view key, const std::string& text);

  // A nested reader answers for the whole file: its errors live in the root (found by fuzz/hf_config, where a
  // missing vision_config.patch_size passed a nested ok() check and was divided by).
  bool ok() const { return parent_ != nullptr ? parent_->ok() : !error_.has_value(); }
  const Error& error() const { return parent_ != nullptr ? parent_->error() : *error_; }
  const std::string& source() const { return source_; }
  /// The field's path as shown in messages: prefix + key.
  std::string Path(std::string_view key) const { return prefix_ + std::string(key); }

 private:
  /// Records "<field>=N exceeds the physical limit of M" for fields with a known limit.
  bool WithinLimit(std::string_view key, int64_t value);
  const nlohmann::json* Find(std::string_view key) const;
  void FailMissing(std::string_view key);
  void FailType(std::string_view key, std::string_view expected, const nlohmann::json& got);
  void SetError(Error e);

  const nlohmann::json& obj_;
  std::string source_;
  std::string prefix_;
  std::optional<Error> error_;
  // Nested readers report into their parent so that one ok() check covers them.
  ConfigReader* parent_ = nullptr;
};

}  // namespace capplan::model_internal
