// Plan(): error bands (issue 12). A candidate whose p95 TPOT, at its regime's high error factor
// (data/validation/error-bands.csv), still meets the target is preferred over a cheaper one that meets it at the
// point estimate only; when none does, the recommendation is named as meeting it at the point estimate only.
#include <fmt/format.h>

#include "search/plan_internal.h"

namespace capplan::plan_internal {
namespace {

std::string BandText(const ErrorBand& b) {
  return fmt::format("x{:.2f} for {}, {} out-of-sample measurements", b.high, b.regime, b.count);
}

}  // namespace

void JudgeErrorBand(Candidate& c, const PlanRequest& r) {
  c.tpot_band = ErrorBandFor(c.deployment, r.model, "tpot");
  // No band for the regime: nothing to judge by; the point estimate stands.
  c.meets_slo_in_band = c.tpot_band.count == 0 || c.latency.tpot.p95 * c.tpot_band.high <= r.slo_tpot_p95;
}

std::string ErrorBandNote(const PlanRequest& r, const PlanResult& out) {
  if (out.candidates.empty()) return "";
  const Candidate& best = out.candidates.front();
  const ErrorBand& b = best.tpot_band;
  if (b.count == 0)
    return fmt::format(
        "no TPOT error band is known for {} (no comparable measurements): the targets are met at the "
        "point estimate",
        b.regime);
  const Seconds high = best.latency.tpot.p95 * b.high;
  if (best.meets_slo_in_band)
    return fmt::format("p95 TPOT {} stays within the {} target at the error band's high factor: {} ({})",
                       FormatSeconds(best.latency.tpot.p95), FormatSeconds(r.slo_tpot_p95), FormatSeconds(high),
                       BandText(b));
  return fmt::format(
      "no candidate meets p95 TPOT {} at its error band's high factor: the recommendation is the cheapest that meets "
      "it at the point estimate only ({}, up to {} at {})",
      FormatSeconds(r.slo_tpot_p95), FormatSeconds(best.latency.tpot.p95), FormatSeconds(high), BandText(b));
}

}  // namespace capplan::plan_internal
