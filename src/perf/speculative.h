// Speculative decoding and multi-token prediction: per step the target model verifies K drafted
// tokens plus its own (K + 1 query tokens per sequence, one read of the KV and the weights), after
// K draft passes; acceptance per draft position decides how many tokens a step keeps on average.
// Whether it pays is the step model's answer: at small batches the verify step costs about one
// decode step (memory-bound), at large batches it costs K + 1 times the compute (docs/scale.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capplan/error.h"
#include "capplan/model.h"
#include "capplan/step_time.h"
#include "capplan/units.h"

namespace capplan {

enum class SpecMethod { kMtp, kEagle, kDraft };
Result<SpecMethod> ParseSpecMethod(std::string_view text, std::string_view field);

struct SpecConfig {
  SpecMethod method = SpecMethod::kMtp;
  int tokens = 1;                  // K drafted per step
  std::vector<double> acceptance;  // a_i: draft position i accepted given positions < i were
};

/// A published default acceptance (data/perf/speculative.json): per draft position, with its source.
struct DefaultAcceptance {
  std::vector<double> acceptance;
  std::string source;
};
/// The default for `method` drafting `tokens` per step, if the data file has a measurement for it.
std::optional<DefaultAcceptance> FindDefaultAcceptance(SpecMethod method, int tokens);
std::string_view SpecMethodName(SpecMethod m);

/// Checks K >= 1, one acceptance in [0, 1] per position (none given: the data file's default for the method and
/// K, when it has one). Errors name --spec-tokens / --spec-acceptance.
Result<SpecConfig> ResolveSpec(SpecConfig c);

/// The draft pass of MTP and EAGLE: one decoder layer (DeepSeek's MTP module reuses a MoE layer's shape) and the
/// LM head, on the target's deployment.
ModelSpec OneLayerDraft(const ModelSpec& m);

/// A step model for the serving simulator under speculative decoding: a step's decodes are priced as the verify
/// of K + 1 tokens each plus K draft passes, divided by the expected tokens per step (the mean time per emitted
/// token; the simulator emits one token per sequence per step), and its prefill chunks as they are.
/// Approximation: the simulator's steps are mean-token steps, so TPOT is right on average and ITL spread is not.
class SpeculativeStepTimeModel final : public StepTimeModel {
 public:
  SpeculativeStepTimeModel(const StepTimeModel& target, const StepTimeModel& draft, SpecConfig c)
      : target_(target), draft_(draft), c_(std::move(c)) {}
  Seconds StepTime(const BatchShape& shape) const override;

 private:
  const StepTimeModel& target_;
  const StepTimeModel& draft_;
  SpecConfig c_;
};

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
