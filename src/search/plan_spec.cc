// Plan(): multi-token-prediction candidates for models with MTP layers (num_nextn_predict_layers > 0). Each
// fitting configuration gets an MTP variant: screened with the speculative step (verify K + 1 tokens, K draft
// passes, over the expected tokens per step at the assumed acceptance), priced, and confirmed like the others with
// the simulator running that step model (docs/plan.md, "Speculative decoding").
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "perf/speculative.h"
#include "search/plan_internal.h"

namespace capplan::plan_internal {
namespace {

// The steady-state step's shape at `n` running sequences, as SteadyState builds it: n decodes and the prefill
// tokens of the prompts that replace them (P / D = input / output), within the engine's token budget.
BatchShape SteadyShape(int n, const PlanRequest& r, int64_t budget) {
  const double ratio = static_cast<double>(r.input_tokens) / std::max<int64_t>(r.output_tokens, 1);
  double decodes = n;
  if (decodes * (1.0 + ratio) > budget) decodes = budget / (1.0 + ratio);
  decodes = std::max(1.0, decodes);
  const double prefill = decodes * ratio;
  BatchShape s;
  s.decode_sequences = static_cast<int>(std::lround(decodes));
  s.decode_context_tokens = static_cast<int64_t>(std::llround(decodes * (r.input_tokens + r.output_tokens / 2.0)));
  s.prefill_tokens = static_cast<int64_t>(std::llround(prefill));
  s.prefill_sequences = prefill > 0 ? static_cast<int>(std::ceil(prefill / std::max<int64_t>(r.input_tokens, 1))) : 0;
  s.prefill_cached_tokens = prefill < r.input_tokens ? (r.input_tokens / 2) * s.prefill_sequences : 0;
  s.prefill_attention_pairs = prefill * (r.input_tokens + 1) / 2.0;
  return s;
}

class OwningSpecModel final : public StepTimeModel {
 public:
  OwningSpecModel(const StepTimeModel& target, const ModelSpec& m, const Deployment& d, const SpecConfig& c)
      : draft_(OneLayerDraft(m), d, CalibrationFor(d)), spec_(target, draft_, c) {}
  Seconds StepTime(const BatchShape& s) const override { return spec_.StepTime(s); }

 private:
  RooflineStepTimeModel draft_;
  SpeculativeStepTimeModel spec_;
};

}  // namespace

std::unique_ptr<StepTimeModel> SpeculativeModelFor(const Candidate& c, const ModelSpec& m,
                                                   const RooflineStepTimeModel& target) {
  if (!c.spec) return nullptr;
  const SpecConfig cfg{.method = SpecMethod::kMtp, .tokens = c.spec->tokens, .acceptance = c.spec->acceptance};
  return std::make_unique<OwningSpecModel>(target, m, c.deployment, cfg);
}

void AddSpecCandidates(const PlanRequest& r, const std::vector<WorkerProfile>& workers, const PriceCatalog& prices,
                       PlanResult& out) {
  if (r.model.mtp_params <= 0) return;
  auto cfg = ResolveSpec({.method = SpecMethod::kMtp, .tokens = 1, .acceptance = {}});
  const auto defaults = FindDefaultAcceptance(SpecMethod::kMtp, 1);
  if (!cfg.ok() || !defaults) return;  // no published acceptance: no MTP candidates rather than a guess
  const Seconds tpot_target = r.slo_tpot_p95 * kTpotScreenMargin;
  const Seconds ttft_target = r.slo_ttft_p95 * kTtftScreenMargin;
  for (const WorkerProfile& w : workers) {
    if (w.prefill > ttft_target) continue;
    ++out.evaluated_speculative;
    Candidate c;
    c.deployment = w.deployment;
    c.spec = SpecPlan{.tokens = cfg->tokens,
                      .acceptance = cfg->acceptance,
                      .acceptance_source = defaults->source,
                      .tokens_per_step = ExpectedTokensPerStep(*cfg),
                      .speedup = 1};
    const std::unique_ptr<StepTimeModel> spec = SpeculativeModelFor(c, r.model, *w.model);
    const int64_t budget = static_cast<int64_t>(w.deployment.engine.max_num_batched_tokens) *
                           std::max(1, w.deployment.parallel.dp_attention);
    auto tpot_at = [&](int n) { return spec->StepTime(SteadyShape(n, r, budget)); };
    if (tpot_at(1) > tpot_target) continue;
    int lo = 1, hi = w.cap;
    while (lo < hi) {
      const int mid = lo + (hi - lo + 1) / 2;
      if (tpot_at(mid) <= tpot_target)
        lo = mid;
      else
        hi = mid - 1;
    }
    const Seconds at_slo = tpot_at(lo);
    c.spec->speedup = w.model->StepTime(SteadyShape(lo, r, budget)).v / at_slo.v;
    c.slo_concurrency = lo;
    c.deployment.max_num_seqs = (lo + c.deployment.parallel.dp_attention - 1) / c.deployment.parallel.dp_attention;
    c.memory = w.memory;
    c.replica_capacity_rps = lo / (static_cast<double>(r.output_tokens) * at_slo.v);
    double needed = std::ceil(r.rate_per_second / (c.replica_capacity_rps * kCapacityHeadroom));
    while (needed <= static_cast<double>(r.max_replicas) &&
           w.prefill + PrefillWaitP95(r.rate_per_second / std::max(1.0, needed), w.prefill) > ttft_target)
      needed += 1;
    if (!(needed <= static_cast<double>(r.max_replicas))) continue;
    c.deployment.parallel.replicas = std::max(1, static_cast<int>(needed));
    const double per_replica = r.rate_per_second / c.deployment.parallel.replicas;
    // Little's law on the speculative step: N = rate x output x TPOT(N).
    double n = 1;
    for (int i = 0; i < 30; ++i) {
      const double next = std::min<double>(
          lo, std::max(1.0, per_replica * r.output_tokens * tpot_at(static_cast<int>(std::ceil(n))).v));
      if (std::fabs(next - n) < 0.5) {
        n = next;
        break;
      }
      n = next;
    }
    c.concurrency_per_replica = std::clamp(static_cast<int>(std::ceil(n)), 1, lo);
    const Seconds tpot = tpot_at(c.concurrency_per_replica);
    const Seconds ttft = w.prefill + tpot * 0.5 + PrefillWaitP95(per_replica, w.prefill);
    const Seconds e2e = ttft + tpot * static_cast<double>(r.output_tokens - 1);
    c.latency = {.simulated = false, .ttft = {ttft, ttft, ttft}, .tpot = {tpot, tpot, tpot}, .e2e = {e2e, e2e, e2e}};
    c.output_tokens_per_second = r.rate_per_second * r.output_tokens;
    c.meets_slo = true;
    if (!Price(c, prices, r).ok()) continue;
    out.candidates.push_back(std::move(c));
  }
}

}  // namespace capplan::plan_internal
