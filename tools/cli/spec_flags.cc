#include "spec_flags.h"

#include <fmt/format.h>

#include <sstream>

#include "capplan/perf.h"
#include "cli_util.h"
#include "perf/speculative.h"

namespace capplan::cli {
namespace {

Result<std::vector<double>> ParseRates(const std::string& text) {
  std::vector<double> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      size_t used = 0;
      out.push_back(std::stod(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      return Error::InvalidArgument(fmt::format("--spec-acceptance='{}': '{}' is not a number", text, item),
                                    "spec-acceptance");
    }
  }
  return out;
}

}  // namespace

void AddSpecFlags(CLI::App& cmd, SpecFlags& f) {
  cmd.add_option("--spec", f.method, "Speculative decoding: mtp, eagle or draft (prints the effect on TPOT)");
  cmd.add_option("--spec-tokens", f.tokens, "Tokens drafted per step (K)")->capture_default_str();
  cmd.add_option("--spec-acceptance", f.acceptance,
                 "Acceptance per draft position, a1,a2,... (default: data/perf/speculative.json, mtp with K=1: 0.83 "
                 "from vLLM's DeepSeek MTP test)");
  cmd.add_option("--spec-draft-model", f.draft_model, "The draft model for --spec draft (preset or config.json)");
}

int PrintSpeculative(const ModelSpec& m, const Deployment& d, const SpecFlags& f, int64_t context, int max_batch) {
  auto method = ParseSpecMethod(*f.method, "--spec");
  if (!method.ok()) return ReportError(method.error());
  if (*method == SpecMethod::kMtp && m.mtp_params == 0)
    return ReportError(Error::InvalidArgument(
        "--spec mtp: " + m.name +
            " has no multi-token-prediction layers (num_nextn_predict_layers is 0); use eagle or draft",
        "spec"));
  SpecConfig c{.method = *method, .tokens = f.tokens, .acceptance = {}};
  if (!f.acceptance.empty()) {
    auto rates = ParseRates(f.acceptance);
    if (!rates.ok()) return ReportError(rates.error());
    c.acceptance = *rates;
  }
  auto spec = ResolveSpec(c);
  if (!spec.ok()) return ReportError(spec.error());
  ModelSpec draft_spec = OneLayerDraft(m);
  if (*method == SpecMethod::kDraft) {
    if (!f.draft_model)
      return ReportError(Error::InvalidArgument("--spec draft needs --spec-draft-model", "spec-draft-model"));
    auto dm = LoadModel(*f.draft_model);
    if (!dm.ok()) return ReportError(dm.error());
    draft_spec = *dm;
  }
  const PerfCalibration cal = CalibrationFor(d);
  const RooflineStepTimeModel target(m, d, cal);
  Deployment dd = d;
  if (*method == SpecMethod::kDraft) {
    dd.parallel = Parallelism{.tp = 1};  // a small draft model runs on one GPU of the replica
    dd.weights = NativeWeightPrecision(draft_spec);
  }
  const RooflineStepTimeModel draft(draft_spec, dd, cal);
  std::string rates;
  for (double a : spec->acceptance) rates += (rates.empty() ? "" : ", ") + fmt::format("{:.2f}", a);
  fmt::print("\nSpeculative decoding ({}, K = {}, acceptance {}{}): {:.2f} tokens per step\n", *f.method, spec->tokens,
             rates, f.acceptance.empty() ? " assumed: vLLM's DeepSeek MTP-1 test" : "", ExpectedTokensPerStep(*spec));
  fmt::print("  {:>6}  {:>10}  {:>10}  {:>10}  {:>8}\n", "batch", "TPOT", "spec TPOT", "step", "speedup");
  int stops = 0;
  for (int b = 1; b <= std::max(1, max_batch); b *= 2) {
    const SpecStep s = SpeculativeStep(target, draft, *spec, b, context);
    fmt::print("  {:>6}  {:>10}  {:>10}  {:>10}  {:>7.2f}x\n", b, FormatSeconds(s.baseline_tpot), FormatSeconds(s.tpot),
               FormatSeconds(s.step), s.speedup);
    if (s.speedup < 1 && stops == 0) stops = b;
  }
  if (stops > 0)
    fmt::print("Speculation stops paying from batch {} (the verify step's K + 1 tokens become compute).\n", stops);
  else
    fmt::print("Speculation pays at every batch up to {}.\n", max_batch);
  fmt::print("KV: {} extra verify slot(s) per sequence.\n", spec->tokens);
  return 0;
}

}  // namespace capplan::cli
