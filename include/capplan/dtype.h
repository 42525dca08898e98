// Numeric formats of weights and KV cache, with the bytes each parameter really costs
// (block-scale overheads included).
#pragma once

#include <string>
#include <string_view>

#include "capplan/error.h"

namespace capplan {

enum class DType { kFP32, kBF16, kFP16, kFP8, kINT8, kINT4, kMXFP4, kNVFP4 };

/// Bytes per element including the format's scale overhead:
///   bf16/fp16 2; fp8 1 (per-tensor or 128x128 block scales: < 0.01%, ignored); int8 1;
///   int4 0.5 + one fp16 scale per group of 128 = 0.515625 (GPTQ/AWQ default group size);
///   mxfp4 0.5 + one E8M0 byte per 32 = 0.53125 (OCP MX spec);
///   nvfp4 0.5 + one FP8 byte per 16 = 0.5625 (NVIDIA NVFP4; per-tensor FP32 scale ignored).
double BytesPerElement(DType t);

/// "bf16", "fp8", ... (lower case, as flags take them).
std::string_view DTypeName(DType t);

/// Parses a flag or JSON value: bf16, fp16, float16, bfloat16, fp8, fp8_e4m3, int8, int4, mxfp4, nvfp4, fp4, fp32.
/// `field` names the flag or key in the error message.
Result<DType> ParseDType(std::string_view text, std::string_view field);

/// Which peak-throughput column a GPU's tensor cores use for weights of this type (weights-only
/// int4 and the 4-bit float formats dequantize to bf16 on GPUs without FP4 units).
enum class ComputeClass { kBF16, kFP8, kINT8, kFP4 };

}  // namespace capplan
