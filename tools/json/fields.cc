#include "fields.h"

#include <fmt/format.h>

#include <cmath>

namespace capplan::json {
namespace {

Error WrongType(std::string_view field, std::string_view expected, const nlohmann::json& got) {
  return Error::InvalidArgument(
      fmt::format("{}: {} must be {}, got {}", kRequestSource, field, expected, DescribeType(got)), std::string(field));
}

// Numbers are printed as a user typed them: 4 not 4.000000, 1e+30 kept short.
std::string FormatNumber(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{}", v);
}

}  // namespace

std::string FieldPath(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

std::string DescribeType(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::number_float:
      return fmt::format("the number {}", FormatNumber(v.get<double>()));
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "an integer";
    default:
      return "an unsupported value";
  }
}

Status CheckJsonDepth(std::string_view text, std::string_view what) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;  // the escaped character cannot end the string
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth)
        return Error::ResourceLimit(
            fmt::format("{}: JSON nested deeper than {} levels at byte {}", what, kMaxJsonDepth, i), "");
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return Ok{};
}

Result<nlohmann::json> ParseRequestBody(std::string_view body) {
  // Before the parser: nlohmann parses iteratively, but dump() and the decoders recurse, and a 120 KB body nested
  // 60,000 deep overflowed the stack in config.dump() (issue 17).
  CAPPLAN_RETURN_IF_ERROR(CheckJsonDepth(body, kRequestSource));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    // what() reads "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ...";
    // keep the part after the location, as ParseHfConfig does, since the byte offset is given.
    std::string what = e.what();
    size_t colon = what.find(": ", what.find("parse error"));
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    return Error::Parse(fmt::format("{}: malformed JSON at byte {}: {}", kRequestSource, e.byte, detail));
  } catch (const nlohmann::json::out_of_range& e) {
    // A number beyond double's range ("1e405") throws out_of_range, not parse_error (as in ParseHfConfig).
    std::string what = e.what();
    size_t tag_end = what.find("] ");
    return Error::Parse(fmt::format("{}: malformed JSON: {}", kRequestSource,
                                    tag_end == std::string::npos ? what : what.substr(tag_end + 2)));
  }
  if (!j.is_object())
    return Error::InvalidArgument(
        fmt::format("{}: the body must be a JSON object, got {}", kRequestSource, DescribeType(j)));
  return j;
}

Status RejectUnknownFields(const nlohmann::json& obj, std::initializer_list<std::string_view> known,
                           std::string_view path) {
  for (const auto& [key, value] : obj.items()) {
    bool found = false;
    for (auto k : known) found = found || k == key;
    if (!found)
      return Error::InvalidArgument(fmt::format("{}: unknown field \"{}\" (expected one of: {})", kRequestSource,
                                                FieldPath(path, key), fmt::join(known, ", ")),
                                    FieldPath(path, key));
  }
  return Ok{};
}

Result<std::optional<int64_t>> OptionalInt(const nlohmann::json& obj, std::string_view key, int64_t min, int64_t max,
                                           std::string_view path) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<int64_t>();
  std::string field = FieldPath(path, key);
  double as_double = 0;
  if (it->is_number_unsigned()) {
    as_double = static_cast<double>(it->get<uint64_t>());  // 2^63 and above: get<int64_t> would wrap negative
  } else if (it->is_number_integer()) {
    as_double = static_cast<double>(it->get<int64_t>());
  } else if (it->is_number_float() && std::floor(it->get<double>()) == it->get<double>()) {
    as_double = it->get<double>();  // 4.0 is an integer written by a JavaScript client
  } else {
    return WrongType(field, "an integer", *it);
  }
  if (as_double < static_cast<double>(min) || as_double > static_cast<double>(max))
    return Error::InvalidArgument(
        fmt::format("{}: {}={} must be between {} and {}", kRequestSource, field, FormatNumber(as_double), min, max),
        field);
  return std::optional<int64_t>(static_cast<int64_t>(as_double));
}

Result<int64_t> IntOr(const nlohmann::json& obj, std::string_view key, int64_t fallback, int64_t min, int64_t max,
                      std::string_view path) {
  CAPPLAN_ASSIGN_OR_RETURN(auto v, OptionalInt(obj, key, min, max, path));
  return v.value_or(fallback);
}

Result<std::optional<double>> OptionalNumber(const nlohmann::json& obj, std::string_view key, double min, double max,
                                             std::string_view path) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<double>();
  std::string field = FieldPath(path, key);
  if (!it->is_number()) return WrongType(field, "a number", *it);
  double v = it->get<double>();
  if (!(v >= min && v <= max))
    return Error::InvalidArgument(fmt::format("{}: {}={} must be between {} and {}", kRequestSource, field,
                                              FormatNumber(v), FormatNumber(min), FormatNumber(max)),
                                  field);
  return std::optional<double>(v);
}

Result<std::optional<std::string>> OptionalString(const nlohmann::json& obj, std::string_view key,
                                                  std::string_view path) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return WrongType(FieldPath(path, key), "a string", *it);
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::optional<bool>> OptionalBool(const nlohmann::json& obj, std::string_view key, std::string_view path) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<bool>();
  if (!it->is_boolean()) return WrongType(FieldPath(path, key), "a boolean", *it);
  return std::optional<bool>(it->get<bool>());
}

}  // namespace capplan::json
