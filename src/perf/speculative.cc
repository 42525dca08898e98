#include "perf/speculative.h"

#include <nlohmann/json.hpp>
#include <string>

#include "capplan/embedded.h"

namespace capplan {
namespace {

struct DefaultEntry {
  SpecMethod method;
  int tokens;
  DefaultAcceptance value;
};

// data/perf/speculative.json, parsed once. The file is built in and tested (speculative_test.cc), so a malformed
// entry is a programmer error: it is skipped here, and the test fails.
const std::vector<DefaultEntry>& Defaults() {
  static const std::vector<DefaultEntry> entries = [] {
    std::vector<DefaultEntry> out;
    const auto bytes = FindEmbedded(embedded::perf(), "perf/speculative.json");
    if (!bytes) return out;
    const auto j = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("defaults") || !j["defaults"].is_array()) return out;
    for (const auto& e : j["defaults"]) {
      if (!e.is_object() || !e.contains("method") || !e["method"].is_string()) continue;
      auto m = ParseSpecMethod(e["method"].get<std::string>(), "method");
      if (!m.ok() || !e.contains("tokens") || !e["tokens"].is_number_integer()) continue;
      if (!e.contains("acceptance") || !e["acceptance"].is_array()) continue;
      DefaultEntry d{.method = *m, .tokens = e["tokens"].get<int>(), .value = {}};
      for (const auto& a : e["acceptance"])
        if (a.is_number()) d.value.acceptance.push_back(a.get<double>());
      d.value.source = e.value("source", "");
      out.push_back(std::move(d));
    }
    return out;
  }();
  return entries;
}

}  // namespace

std::optional<DefaultAcceptance> FindDefaultAcceptance(SpecMethod method, int tokens) {
  for (const auto& e : Defaults())
    if (e.method == method && e.tokens == tokens) return e.value;
  return std::nullopt;
}

std::string_view SpecMethodName(SpecMethod m) {
  switch (m) {
    case SpecMethod::kMtp:
      return "mtp";
    case SpecMethod::kEagle:
      return "eagle";
    case SpecMethod::kDraft:
      return "draft";
  }
  return "mtp";
}

ModelSpec OneLayerDraft(const ModelSpec& m) {
  ModelSpec d = m;
  d.layers = {m.layers.back()};
  return d;
}

Seconds SpeculativeStepTimeModel::StepTime(const BatchShape& shape) const {
  if (shape.decode_sequences == 0) return target_.StepTime(shape);
  const int n = shape.decode_sequences;
  const int64_t context = shape.decode_context_tokens / n;
  BatchShape prefill = shape;
  prefill.decode_sequences = 0;
  prefill.decode_context_tokens = 0;
  const BatchShape verify = VerifyShape(n, context, c_.tokens);
  BatchShape both = prefill;
  both.prefill_sequences += verify.prefill_sequences;
  both.prefill_tokens += verify.prefill_tokens;
  both.prefill_cached_tokens += verify.prefill_cached_tokens;
  both.prefill_attention_pairs += verify.prefill_attention_pairs;
  BatchShape one;
  one.decode_sequences = n;
  one.decode_context_tokens = shape.decode_context_tokens;
  const Seconds full = target_.StepTime(both) + draft_.StepTime(one) * static_cast<double>(c_.tokens);
  const Seconds chunks = prefill.prefill_tokens > 0 ? target_.StepTime(prefill) : Seconds{0};
  return chunks + (full - chunks) / ExpectedTokensPerStep(c_);
}

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
  if (c.acceptance.empty())
    if (auto d = FindDefaultAcceptance(c.method, c.tokens)) c.acceptance = d->acceptance;
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
