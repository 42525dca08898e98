// The seam between the serving simulator and the performance model: the simulator asks how long
// one engine step takes for a batch shape, and nothing else. perf/ implements it with the roofline
// model; tests use a constant-time fake.
#pragma once

#include <cstdint>

#include "capplan/units.h"

namespace capplan {

/// One engine step of one replica: chunks of prefill and single-token decodes together.
struct BatchShape {
  int prefill_sequences = 0;          // sequences with a prefill chunk in this step
  int64_t prefill_tokens = 0;         // new prompt tokens processed this step (sum of chunk lengths)
  int64_t prefill_cached_tokens = 0;  // sum over chunks of the tokens already in KV before the chunk
  /// Query-key pairs of the prefill chunks' causal attention: sum over chunks of
  /// len * (cached + (len + 1) / 2). Lets the model price attention without the chunk list.
  double prefill_attention_pairs = 0;
  int decode_sequences = 0;           // sequences producing one token this step
  int64_t decode_context_tokens = 0;  // sum of the decode sequences' context lengths (KV they read)
  int64_t TotalTokens() const { return prefill_tokens + decode_sequences; }
};

class StepTimeModel {
 public:
  virtual ~StepTimeModel() = default;
  /// Wall time of the step. Pure: same shape, same answer; no hidden state.
  /// REQUIRES: shape.TotalTokens() > 0.
  virtual Seconds StepTime(const BatchShape& shape) const = 0;
};

}  // namespace capplan
