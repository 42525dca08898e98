// Speculative decoding and multi-token prediction: per step the target model verifies K drafted
// tokens plus its own (K + 1 query tokens per sequence, one read of the KV and the weights), after
// K draft passes; acceptance per draft position decides how many tokens a step keeps on average.
// Whether it pays is the step model's answer: at small batches the verify step costs about one
// decode step (memory-bound), at large batches it costs K + 1 times the compute (docs/scale.md).
#pragma once

#include <string_view>
#include <vector>

#include "capplan/error.h"
#include "capplan/step_time.h"
#include "capplan/units.h"

namespace capplan {

enum class SpecMethod { kMtp, kEagle, kDraft };
Result<SpecMethod> ParseSpecMethod(std::string_view text, std::string_view field);

/// DeepSeek-V3/R1 MTP-1: vLLM's own MTP test accepts about 83% of the drafted second tokens (the
/// DeepSeek-V3 technical report, section 5.4.3, gives 85-90% at its evaluation). The published
/// default when --spec mtp is given without --spec-acceptance.
inline constexpr double kDeepSeekMtp1Acceptance = 0.83;

struct SpecConfig {
  SpecMethod method = SpecMethod::kMtp;
  int tokens = 1;                  // K drafted per step
  std::vector<double> acceptance;  // a_i: draft position i accepted given positions < i were
};

/// Checks K >= 1, one acceptance in [0, 1] per position (MTP with K = 1 and none given takes the
/// DeepSeek default). Errors name --spec-tokens / --spec-acceptance.
Result<SpecConfig> ResolveSpec(SpecConfig c);

/// 1 + a1 + a1 a2 + ... + a1...aK: tokens a step emits on average (the verified token always).
double ExpectedTokensPerStep(const SpecConfig& c);

/// The verify step: `batch` sequences at `context` tokens, each with K + 1 query tokens.
BatchShape VerifyShape(int batch, int64_t context, int k);

struct SpecStep {
  Seconds verify;  // the target model's K + 1-token step
  Seconds draft;   // K draft passes (one token per sequence each)
  Seconds step;    // verify + draft
  double tokens_per_step = 1;
  Seconds tpot;                              // step / tokens_per_step
  Seconds baseline_tpot;                     // a plain decode step of the target
  double speedup = 1;                        // baseline_tpot / tpot (< 1: speculation does not pay at this batch)
  int64_t extra_kv_tokens_per_sequence = 0;  // K verify slots each sequence reserves
};

/// `draft` prices one draft pass (MTP: the model's next-token-prediction layer and head; EAGLE:
/// its one-layer head; draft: the small model).
SpecStep SpeculativeStep(const StepTimeModel& target, const StepTimeModel& draft, const SpecConfig& c, int batch,
                         int64_t context);

}  // namespace capplan
