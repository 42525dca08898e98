// Reading typed fields out of a JSON request object, with errors that name the field and the rule in
// the library's form ("request: gpus=0 must be between 1 and 4096"). Only the request decoders use this.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "capplan/error.h"

namespace capplan::json {

/// Prefix of every request error message: which input the field came from.
inline constexpr std::string_view kRequestSource = "request";

/// Deepest nesting of objects and arrays a request may have: a config.json is 3 deep; the bound keeps every
/// recursive walk (dump, the decoders) far from the stack's end.
inline constexpr int kMaxJsonDepth = 64;

/// kResourceLimit when `text` nests objects/arrays deeper than kMaxJsonDepth ("WHAT: JSON nested deeper than 64
/// levels at byte N"); a linear scan that needs no parse, so it is safe on any input.
Status CheckJsonDepth(std::string_view text, std::string_view what);

/// Parses a request body (depth bounded by CheckJsonDepth first). Malformed JSON is a kParse error naming the position;
/// anything but an object is kInvalidArgument.
Result<nlohmann::json> ParseRequestBody(std::string_view body);

/// A JSON value's type as a user would name it: "an integer", "a string", "null", ...
std::string DescribeType(const nlohmann::json& v);

/// Fails with `request: unknown field "x" (expected one of: a, b, c)` for a key not in `known`
/// (a typo such as "gpu_count" is better caught than silently ignored). `path` prefixes nested keys.
Status RejectUnknownFields(const nlohmann::json& obj, std::initializer_list<std::string_view> known,
                           std::string_view path = "");

/// Integer field within [min, max]; nullopt when absent or null. Rejects fractions and other types.
Result<std::optional<int64_t>> OptionalInt(const nlohmann::json& obj, std::string_view key, int64_t min, int64_t max,
                                           std::string_view path = "");
/// Like OptionalInt, with a default when absent.
Result<int64_t> IntOr(const nlohmann::json& obj, std::string_view key, int64_t fallback, int64_t min, int64_t max,
                      std::string_view path = "");
/// Number field within [min, max]; nullopt when absent or null.
Result<std::optional<double>> OptionalNumber(const nlohmann::json& obj, std::string_view key, double min, double max,
                                             std::string_view path = "");
Result<std::optional<std::string>> OptionalString(const nlohmann::json& obj, std::string_view key,
                                                  std::string_view path = "");
Result<std::optional<bool>> OptionalBool(const nlohmann::json& obj, std::string_view key, std::string_view path = "");

/// "model.simple.num_layers" from ("model.simple", "num_layers").
std::string FieldPath(std::string_view path, std::string_view key);

}  // namespace capplan::json
