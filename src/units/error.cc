#include "capplan/error.h"

namespace capplan {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kParse:
      return "parse_error";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kInfeasible:
      return "infeasible";
    case ErrorCode::kResourceLimit:
      return "resource_limit";
  }
  return "unknown";
}

}  // namespace capplan
