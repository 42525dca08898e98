#include "perf/speculative.h"

#include <string>

namespace capplan {

Result<SpecMethod> ParseSpecMethod(std::string_view text, std::string_view field) {
  if (text == "mtp") return SpecMethod::kMtp;
  if (text == "eagle") return SpecMethod::kEagle;
  if (text == "draft") return SpecMethod::kDraft;
  return Error::InvalidArgument(std::string(field) + "='" + std::string(text) + "' is not mtp, eagle or draft",
                                std::string(field));
}

Result<SpecConfig> ResolveSpec(SpecConfig c) {
  if (c.tokens < 1 || c.tokens > 16)
    return Error::InvalidArgument("--spec-tokens=" + std::to_string(c.tokens) + " must be in [1, 16]", "spec-tokens");
  if (c.acceptance.empty() && c.method == SpecMethod::kMtp && c.tokens == 1) c.acceptance = {kDeepSeekMtp1Acceptance};
  if (static_cast<int>(c.acceptance.size()) != c.tokens)
    return Error::InvalidArgument("--spec-acceptance needs one rate per drafted position: " + std::to_string(c.tokens) +
                                      " for --spec-tokens=" + std::to_string(c.tokens) + ", got " +
                                      std::to_string(c.acceptance.size()),
                                  "spec-acceptance");
  for (double a : c.acceptance)
    if (!(a >= 0 && a <= 1))
      return Error::InvalidArgument("--spec-acceptance=" + std::to_string(a) + " must be in [0, 1]", "spec-acceptance");
  return c;
}

double ExpectedTokensPerStep(const SpecConfig& c) {
  double tokens = 1, chain = 1;
  for (int i = 0; i < c.tokens && i < static_cast<int>(c.acceptance.size()); ++i) {
    chain *= c.acceptance[i];
    tokens += chain;
  }
  return tokens;
}

BatchShape VerifyShape(int batch, int64_t context, int k) {
  // K + 1 query tokens per sequence after `context` cached ones: a short prefill chunk each.
  BatchShape s;
  s.prefill_sequences = batch;
  s.prefill_tokens = static_cast<int64_t>(batch) * (k + 1);
  s.prefill_cached_tokens = static_cast<int64_t>(batch) * context;
  s.prefill_attention_pairs = static_cast<double>(batch) * (k + 1) * (static_cast<double>(context) + (k + 2) / 2.0);
  return s;
}

SpecStep SpeculativeStep(const StepTimeModel& target, const StepTimeModel& draft, const SpecConfig& c, int batch,
                         int64_t context) {
  SpecStep out;
  out.verify = target.StepTime(VerifyShape(batch, context, c.tokens));
  BatchShape one;
  one.decode_sequences = batch;
  one.decode_context_tokens = static_cast<int64_t>(batch) * context;
  out.draft = draft.StepTime(one) * static_cast<double>(c.tokens);
  out.step = out.verify + out.draft;
  out.tokens_per_step = ExpectedTokensPerStep(c);
  out.tpot = out.step / out.tokens_per_step;
  out.baseline_tpot = target.StepTime(one);
  out.speedup = out.tpot.v > 0 ? out.baseline_tpot.v / out.tpot.v : 1;
  out.extra_kv_tokens_per_sequence = c.tokens;
  return out;
}

}  // namespace capplan
