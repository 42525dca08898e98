#include "capplan/dtype.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace capplan {

double BytesPerElement(DType t) {
  switch (t) {
    case DType::kFP32:
      return 4.0;
    case DType::kBF16:
    case DType::kFP16:
      return 2.0;
    case DType::kFP8:
    case DType::kINT8:
      return 1.0;
    case DType::kINT4:
      return 0.5 + 2.0 / 128.0;  // fp16 scale per group of 128
    case DType::kMXFP4:
      return 0.5 + 1.0 / 32.0;  // E8M0 scale per block of 32
    case DType::kNVFP4:
      return 0.5 + 1.0 / 16.0;  // FP8 scale per block of 16
  }
  return 2.0;
}

std::string_view DTypeName(DType t) {
  switch (t) {
    case DType::kFP32:
      return "fp32";
    case DType::kBF16:
      return "bf16";
    case DType::kFP16:
      return "fp16";
    case DType::kFP8:
      return "fp8";
    case DType::kINT8:
      return "int8";
    case DType::kINT4:
      return "int4";
    case DType::kMXFP4:
      return "mxfp4";
    case DType::kNVFP4:
      return "nvfp4";
  }
  return "bf16";
}

Result<DType> ParseDType(std::string_view text, std::string_view field) {
  std::string s(text);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (s == "bf16" || s == "bfloat16") return DType::kBF16;
  if (s == "fp16" || s == "float16" || s == "half") return DType::kFP16;
  if (s == "fp32" || s == "float32") return DType::kFP32;
  if (s == "fp8" || s == "fp8_e4m3" || s == "e4m3" || s == "float8_e4m3fn") return DType::kFP8;
  if (s == "int8" || s == "w8a8") return DType::kINT8;
  if (s == "int4" || s == "w4a16" || s == "awq" || s == "gptq") return DType::kINT4;
  if (s == "mxfp4") return DType::kMXFP4;
  if (s == "nvfp4" || s == "fp4") return DType::kNVFP4;
  return Error::InvalidArgument(std::string(field) + ": unknown data type '" + std::string(text) +
                                    "' (expected one of bf16, fp16, fp8, int8, int4, mxfp4, nvfp4)",
                                std::string(field));
}

}  // namespace capplan
