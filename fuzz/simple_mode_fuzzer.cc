// Fuzzes BuildSimpleModel (the numbers of `capplan model --simple` and the web form) and the accounting on its result.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>

#include "capplan/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider p(data, size);
  capplan::SimpleModelInput in;
  if (p.ConsumeBool()) in.total_params = p.ConsumeFloatingPoint<double>();
  in.active_params = p.ConsumeFloatingPoint<double>();
  in.num_layers = p.ConsumeIntegral<int>();
  in.num_kv_heads = p.ConsumeIntegral<int>();
  in.head_dim = p.ConsumeIntegral<int>();
  in.num_experts = p.ConsumeIntegral<int>();
  in.experts_per_token = p.ConsumeIntegral<int>();
  if (p.ConsumeBool()) in.hidden_size = p.ConsumeIntegral<int>();
  if (p.ConsumeBool()) in.vocab_size = p.ConsumeIntegral<int>();
  auto spec = capplan::BuildSimpleModel(in);
  if (!spec.ok()) return 0;
  const capplan::ModelSpec& m = *spec;
  (void)capplan::TotalParams(m);
  (void)capplan::ActiveParams(m);
  (void)capplan::WeightBytesOf(m, capplan::UniformWeightPrecision(capplan::DType::kFP8));
  (void)capplan::KvBytesPerSequence(m, p.ConsumeIntegralInRange<int64_t>(1, 1 << 20), capplan::DType::kBF16, false);
  (void)capplan::FlopsPerTokenAt(m, 8192);
  return 0;
}
