// Fuzzes ParseHfConfig (a user's config.json) and the accounting every command runs on what it returns.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "capplan/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto spec = capplan::ParseHfConfig(text, "config.json");
  if (!spec.ok()) return 0;
  const capplan::ModelSpec& m = *spec;
  (void)capplan::TotalParams(m);
  (void)capplan::ActiveParams(m);
  (void)capplan::WeightBytesOf(m, capplan::NativeWeightPrecision(m));
  (void)capplan::KvBytesPerTokenByLayerKind(m, capplan::DType::kBF16);
  (void)capplan::KvBytesPerSequence(m, 8192, capplan::DType::kFP8, /*per_layer_type=*/true);
  (void)capplan::FlopsPerTokenAt(m, 8192);
  return 0;
}
