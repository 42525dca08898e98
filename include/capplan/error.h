// The one error convention of the library. Everything that can fail because of *input*
// (a config file, a catalog lookup, a flag value, a layout) returns Result<T>: a value or an
// Error that names the source (file or flag), the field and the violated rule. Programmer
// errors are asserts. Exceptions appear only at the CLI and HTTP edges. An infeasible plan is a
// result, not an error.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace capplan {

enum class ErrorCode {
  kInvalidArgument,  // a value of the wrong type, sign or range; an inconsistent combination
  kParse,            // malformed JSON / CSV
  kNotFound,         // unknown preset, GPU, family, file
  kUnsupported,      // a model family or feature capplan does not model
  kInfeasible,       // a layout that cannot be built (more TP than heads, ...)
  kResourceLimit,    // a request larger than the configured limits (simulation size, body size)
};

struct Error {
  ErrorCode code = ErrorCode::kInvalidArgument;
  std::string message;  // complete sentence for a user: "config.json: num_key_value_heads=3 does not divide ..."
  std::string field;    // the field or flag at fault, "" when none

  static Error InvalidArgument(std::string msg, std::string field = "") {
    return {ErrorCode::kInvalidArgument, std::move(msg), std::move(field)};
  }
  static Error Parse(std::string msg, std::string field = "") {
    return {ErrorCode::kParse, std::move(msg), std::move(field)};
  }
  static Error NotFound(std::string msg, std::string field = "") {
    return {ErrorCode::kNotFound, std::move(msg), std::move(field)};
  }
  static Error Unsupported(std::string msg, std::string field = "") {
    return {ErrorCode::kUnsupported, std::move(msg), std::move(field)};
  }
  static Error Infeasible(std::string msg, std::string field = "") {
    return {ErrorCode::kInfeasible, std::move(msg), std::move(field)};
  }
  static Error ResourceLimit(std::string msg, std::string field = "") {
    return {ErrorCode::kResourceLimit, std::move(msg), std::move(field)};
  }
};

/// Short stable name of a code, used as the API's error.code ("invalid_argument", ...).
const char* ErrorCodeName(ErrorCode code);

/// A value or an Error (std::expected is C++23).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  const T& value() const& {
    assert(ok());
    return std::get<T>(v_);
  }
  T& value() & {
    assert(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(v_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const Error& error() const {
    assert(!ok());
    return std::get<Error>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

/// For functions that only validate.
struct Ok {};
using Status = Result<Ok>;

}  // namespace capplan

/// Propagates an error: `CAPPLAN_ASSIGN_OR_RETURN(auto spec, ParseHfConfig(text, name));`
#define CAPPLAN_CONCAT_INNER(a, b) a##b
#define CAPPLAN_CONCAT(a, b) CAPPLAN_CONCAT_INNER(a, b)
#define CAPPLAN_ASSIGN_OR_RETURN(lhs, expr) CAPPLAN_ASSIGN_OR_RETURN_IMPL(CAPPLAN_CONCAT(_r_, __LINE__), lhs, expr)
#define CAPPLAN_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.error();                  \
  lhs = std::move(tmp).value()
#define CAPPLAN_RETURN_IF_ERROR(expr)  \
  do {                                 \
    auto _st = (expr);                 \
    if (!_st.ok()) return _st.error(); \
  } while (0)
