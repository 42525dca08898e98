// The analytic steady state of a closed loop of clients (docs/perf.md, "Closed loop"), under the engine's prefill
// scheduling policy.
#include <algorithm>
#include <cmath>

#include "capplan/perf.h"

namespace capplan {
namespace {

// k prompts of `input` tokens, prefilled in steps of at most `per_step` new tokens in all (each prompt `chunk`
// tokens a step), beside `decodes` running decodes at `context` tokens each. Returns the steps' total time.
Seconds PrefillSteps(const RooflineStepTimeModel& model, int k, int64_t input, int64_t chunk, int decodes,
                     int64_t context) {
  Seconds t{0};
  chunk = std::max<int64_t>(1, chunk);
  for (int64_t done = 0; done < input; done += chunk) {
    const int64_t c = std::min(chunk, input - done);
    BatchShape s;
    s.prefill_sequences = k;
    s.prefill_tokens = c * k;
    s.prefill_cached_tokens = done * k;
    s.prefill_attention_pairs = static_cast<double>(k) * static_cast<double>(c) *
                                (static_cast<double>(done) + (static_cast<double>(c) + 1) / 2.0);
    s.decode_sequences = decodes;
    s.decode_context_tokens = static_cast<int64_t>(decodes) * context;
    t += model.StepTime(s);
  }
  return t;
}

}  // namespace

ClosedLoopPoint ClosedLoopSteadyState(const RooflineStepTimeModel& model, int clients, int64_t input_tokens,
                                      int64_t output_tokens, int batch_cap, int kv_sequences) {
  return ClosedLoopSteadyState(model, clients, input_tokens, output_tokens, batch_cap, kv_sequences,
                               PrefillPolicyOf(model.deployment().engine.engine));
}

ClosedLoopPoint ClosedLoopSteadyState(const RooflineStepTimeModel& model, int clients, int64_t input_tokens,
                                      int64_t output_tokens, int batch_cap, int kv_sequences, PrefillPolicy policy) {
  const Deployment& d = model.deployment();
  const PerfCalibration& cal = model.calibration();
  const int replicas = std::max(1, d.parallel.replicas);
  // Every attention-DP rank schedules its own sequences with its own budget.
  const int64_t budget =
      static_cast<int64_t>(std::max(1, d.engine.max_num_batched_tokens)) * std::max(1, d.parallel.dp_attention);
  const int64_t input = std::max<int64_t>(1, input_tokens);
  const int64_t output = std::max<int64_t>(1, output_tokens);
  ClosedLoopPoint p;
  p.policy = policy;
  p.clients = std::max(1, clients);
  p.running = p.clients;
  p.running_limit = "clients";
  if (batch_cap < p.running) {
    p.running = std::max(1, batch_cap);
    p.running_limit = d.max_num_seqs > 0 ? "max_num_seqs" : "engine_max_batch";
  }
  if (kv_sequences < p.running) {
    p.running = std::max(1, kv_sequences);
    p.running_limit = "kv_cache";
  }
  const int r = p.running;
  const int64_t mid_context = input + output / 2;
  // q prompts join per decode step; the k that arrive during one step are scheduled together in the next.
  const double q = static_cast<double>(r) / static_cast<double>(output);
  const int k = static_cast<int>(std::clamp(std::ceil(q), 1.0, static_cast<double>(r)));
  p.prompts_per_prefill = k;
  Seconds prefill{0};  // from the end of the running step to the prompt's first token
  Seconds wait{0};     // the running step the prompt arrives in, half of it on average
  if (policy == PrefillPolicy::kPrefillFirst) {
    // Prefill-only steps of the k prompts, a budget of new tokens at a time; the decodes pause meanwhile.
    const Seconds decode = model.StepTime(DecodeShape(r, mid_context));
    const int64_t chunk = std::max<int64_t>(1, budget / k);
    prefill = PrefillSteps(model, k, input, chunk, 0, 0);
    p.tpot = decode + prefill * (q / k);
    wait = decode * 0.5;
  } else {
    // The k prompts join the decodes' step as a group (in ceil(input / chunk) steps), once every k / q decode
    // steps; the other steps are decodes alone. Spreading the prompts' tokens evenly over every step instead would
    // be wrong where a step's cost is concave in its tokens: an MoE decode step of R tokens reads the few experts
    // they route to, one with R + q x input tokens reads nearly all of them (gpt-oss-120b at 4 clients and 8192
    // input: 32 prompt tokens a step, 15 -> ~90 experts read per layer, every step).
    const int decodes = std::max(0, r - k);
    const int64_t room = std::max<int64_t>(1, budget - decodes);
    const int64_t chunk = policy == PrefillPolicy::kMixedWhole ? input : std::max<int64_t>(1, room / k);
    prefill = PrefillSteps(model, k, input, chunk, decodes, mid_context);
    const int64_t prefill_steps = (input + chunk - 1) / chunk;
    const double groups_per_step = q / k;
    if (groups_per_step * static_cast<double>(prefill_steps) >= 1.0) {
      // Prompts in every step: the mean step, R decodes and their prompts' share of prefill (one prompt of
      // `input` per `output` decodes), within the budget.
      p.tpot = SteadyState(model, r, input, output).step;
    } else {
      const Seconds decode = model.StepTime(DecodeShape(r, mid_context));
      const Seconds extra = prefill - decode * static_cast<double>(prefill_steps);
      p.tpot = decode + std::max(Seconds{0}, extra) * groups_per_step;
    }
    wait = p.tpot * 0.5;
  }
  // The first wave: every client's prompt at once, before any decodes: a budget of prompt tokens per step (whole
  // prompts under kMixedWhole); prompt i's first token comes with the step that completes it, so the mean is
  // (steps + 1) / 2 full steps.
  {
    const int64_t per_step_prompts = policy == PrefillPolicy::kMixedWhole ? std::max<int64_t>(1, budget / input) : 0;
    const double tokens = static_cast<double>(r) * static_cast<double>(input);
    const int64_t per_step = per_step_prompts > 0 ? std::min<int64_t>(per_step_prompts, r) * input
                                                  : std::min<int64_t>(budget, static_cast<int64_t>(tokens));
    const double steps = std::ceil(tokens / static_cast<double>(per_step));
    BatchShape s;
    s.prefill_sequences = static_cast<int>(std::max<int64_t>(1, per_step / input));
    s.prefill_tokens = per_step;
    s.prefill_attention_pairs =
        static_cast<double>(per_step) * (static_cast<double>(std::min(input, per_step)) + 1) / 2.0;
    p.first_wave_ttft = cal.request_overhead + model.StepTime(s) * ((steps + 1) / 2.0);
  }
  const Seconds engine_ttft = wait + prefill;
  const Seconds service =
      cal.request_overhead + engine_ttft + p.tpot * static_cast<double>(std::max<int64_t>(0, output - 1));
  const double x = r / service.v;  // requests/s of one replica (Little's law on the running set)
  p.e2e = Seconds{p.clients / x};  // Little's law on the closed loop: N = X x E2E
  p.queueing = p.e2e - service;
  p.ttft = cal.request_overhead + p.queueing + engine_ttft;
  p.requests_per_second = x * replicas;
  p.output_tokens_per_second = p.requests_per_second * static_cast<double>(output);
  p.step = model.Breakdown(DecodeShape(r, mid_context));
  return p;
}

}  // namespace capplan
