// Predictions built on the step model: the decode point, TTFT, the batch curve, max-load
// throughput, and what dense sizing would have predicted.
#include <algorithm>
#include <cmath>

#include "capplan/perf.h"

namespace capplan {
namespace {

// Time to prefill `input` tokens alone, chunk by chunk under the engine's token budget; the first
// token comes out of the step that finishes the prompt.
Seconds PrefillTimeChunked(const RooflineStepTimeModel& model, int64_t input, int64_t chunk) {
  Seconds t{0};
  chunk = std::max<int64_t>(chunk, 1);
  for (int64_t done = 0; done < input; done += chunk)
    t += model.StepTime(PrefillShape(std::min(chunk, input - done), done));
  return t;
}

// Steady state under maximum load: `concurrency` sequences per replica; each step carries D decodes
// and P prefill tokens with P / D = input / output (every request prefills `input` tokens for the
// `output` tokens it decodes), within the engine's per-step token budget.
MaxLoad SteadyStateWithLimit(const RooflineStepTimeModel& model, int concurrency, std::string limit, int64_t input,
                             int64_t output, int budget, int replicas) {
  MaxLoad ml;
  ml.concurrency = concurrency;
  ml.concurrency_limit = std::move(limit);
  const double ratio = static_cast<double>(input) / std::max<int64_t>(output, 1);
  double decodes = concurrency;
  if (decodes * (1.0 + ratio) > budget) {
    decodes = budget / (1.0 + ratio);
    ml.concurrency_limit = "token_budget";
  }
  decodes = std::max(1.0, decodes);
  const double prefill = decodes * ratio;
  BatchShape s;
  s.decode_sequences = static_cast<int>(std::lround(decodes));
  s.decode_context_tokens = static_cast<int64_t>(std::llround(decodes * (input + output / 2.0)));
  s.prefill_tokens = static_cast<int64_t>(std::llround(prefill));
  s.prefill_sequences = prefill > 0 ? static_cast<int>(std::ceil(prefill / std::max<int64_t>(input, 1))) : 0;
  // A chunk starts on average halfway into its prompt when prompts span several steps.
  s.prefill_cached_tokens = prefill < input ? static_cast<int64_t>(input / 2) * s.prefill_sequences : 0;
  s.prefill_attention_pairs = prefill * (input + 1) / 2.0;
  ml.step = model.StepTime(s);
  ml.tpot = ml.step;
  ml.output_tokens_per_second = s.decode_sequences / ml.step.v * replicas;
  ml.requests_per_second = ml.output_tokens_per_second / std::max<int64_t>(output, 1);
  return ml;
}

// A dense model of `params` parameters at `bytes_per_param`: every weight read once per step and
// computed for every token; same attention and KV as the real model.
double DenseTokensPerSecond(const ModelSpec& m, const Deployment& d, const PerfCalibration& c, const BatchShape& s,
                            int64_t dense_params) {
  ModelSpec dense = m;
  int64_t attention_total = 0;
  for (const auto& l : m.layers) attention_total += l.attention_params;
  const int64_t outside = m.params.embedding + m.params.lm_head + m.params.norms;
  const int64_t mlp_total = std::max<int64_t>(0, dense_params - attention_total - outside);
  for (auto& l : dense.layers) {
    l.dense_mlp_params = mlp_total / static_cast<int64_t>(m.layers.size());
    l.num_experts = 0;
    l.experts_per_token = 0;
    l.expert_params = 0;
    l.shared_expert_params = 0;
    l.router_params = 0;
  }
  Deployment dd = d;
  dd.weights.routed_experts.reset();
  const RooflineStepTimeModel model(dense, dd, c);
  return s.decode_sequences / model.StepTime(s).v * d.parallel.replicas;
}

}  // namespace

Result<MemoryBudget> FittingBudget(const ModelSpec& m, const Deployment& d, const BudgetQuery& q) {
  CAPPLAN_ASSIGN_OR_RETURN(MemoryBudget budget, ComputeMemoryBudget(m, d, q));
  if (!budget.fits) return Error::Infeasible("the deployment does not fit: " + budget.reason);
  return budget;
}

int EngineMaxBatch(const Deployment& d, const PerfCalibration&) {
  // Per attention-DP rank: vLLM and TensorRT-LLM run one scheduler per rank (docs/scale.md).
  return EffectiveMaxNumSeqs(d.engine, d.gpu, d.max_num_seqs) * std::max(1, d.parallel.dp_attention);
}

MaxLoad SteadyState(const RooflineStepTimeModel& model, int concurrency, int64_t input_tokens, int64_t output_tokens) {
  const Deployment& d = model.deployment();
  return SteadyStateWithLimit(model, concurrency, "", input_tokens, output_tokens,
                              d.engine.max_num_batched_tokens * std::max(1, d.parallel.dp_attention),  // per DP rank
                              std::max(1, d.parallel.replicas));
}

Seconds PrefillTime(const RooflineStepTimeModel& model, int64_t input_tokens) {
  return PrefillTimeChunked(model, input_tokens, model.deployment().engine.max_num_batched_tokens);
}

Result<PerfPrediction> PredictPerformance(const ModelSpec& m, const Deployment& d, const PerfQuery& q) {
  return PredictPerformance(m, d, q, CalibrationFor(d));
}

Result<PerfPrediction> PredictPerformance(const ModelSpec& m, const Deployment& d, const PerfQuery& q,
                                          const PerfCalibration& c) {
  if (q.input_tokens < 1) return Error::InvalidArgument("--input must be at least 1 token", "input");
  if (q.output_tokens < 1) return Error::InvalidArgument("--output must be at least 1 token", "output");
  if (q.batch < 1) return Error::InvalidArgument("--batch must be at least 1", "batch");
  if (q.concurrency < 0) return Error::InvalidArgument("--concurrency must be at least 1", "concurrency");
  const int64_t context = q.input_tokens + q.output_tokens;
  // The deployment must hold one sequence; a --batch or --concurrency beyond what the KV pool holds is reported at
  // what memory allows, with a note, rather than refused.
  CAPPLAN_ASSIGN_OR_RETURN(MemoryBudget budget, FittingBudget(m, d, BudgetQuery{.context = context, .batch = 1}));

  PerfPrediction p;
  p.memory = budget;
  p.batch = q.batch;
  const int kv_sequences = std::max(1, budget.max_concurrent_sequences);
  if (q.batch > kv_sequences) {
    p.batch = kv_sequences;
    p.note = "--batch " + std::to_string(q.batch) + " does not fit at " + std::to_string(context) +
             " tokens of context: the KV pool holds " + std::to_string(kv_sequences) +
             " sequences per replica; the decode point is at batch " + std::to_string(kv_sequences);
  }
  const RooflineStepTimeModel model(m, d, c);
  const int replicas = std::max(1, d.parallel.replicas);
  const int64_t mid_context = q.input_tokens + q.output_tokens / 2;

  p.decode = model.Breakdown(DecodeShape(p.batch, mid_context));
  p.tpot = p.decode.total;
  p.bound = p.decode.bound;
  p.decode_tokens_per_second = p.batch / p.decode.total.v * replicas;
  p.ttft = PrefillTime(model, q.input_tokens);

  // Concurrency under maximum load: what the KV pool holds at full context, capped by the engine.
  int cap = EngineMaxBatch(d, c);
  std::string limit = d.max_num_seqs > 0 ? "max_num_seqs" : "engine_max_batch";
  int concurrency = cap;
  if (budget.max_concurrent_sequences < cap) {
    concurrency = budget.max_concurrent_sequences;
    limit = "kv_cache";
  }
  concurrency = std::max(1, concurrency);
  p.max_load = SteadyStateWithLimit(model, concurrency, limit, q.input_tokens, q.output_tokens,
                                    d.engine.max_num_batched_tokens * std::max(1, d.parallel.dp_attention), replicas);

  for (int b = 1;; b *= 2) {
    const int batch = std::min(b, concurrency);
    const StepBreakdown sb = model.Breakdown(DecodeShape(batch, mid_context));
    p.curve.push_back({.batch = batch,
                       .step = sb.total,
                       .tokens_per_second = batch / sb.total.v * replicas,
                       .bound = sb.bound,
                       .distinct_experts = sb.distinct_experts});
    if (batch >= concurrency) break;
  }

  if (q.concurrency > 0) {
    const int per_replica = (q.concurrency + replicas - 1) / replicas;
    // The running sequences hold what the engine's KV admission makes them hold (their mean context when blocks
    // are allocated on demand).
    int closed_loop_kv = kv_sequences;
    if (const int64_t kv_context =
            SteadyStateKvContext(KvAdmissionOf(d.engine.engine), q.input_tokens, q.output_tokens);
        kv_context < context) {
      if (auto steady = FittingBudget(m, d, BudgetQuery{.context = kv_context, .batch = 1}); steady.ok())
        closed_loop_kv = std::max(1, steady->max_concurrent_sequences);
    }
    p.closed_loop = ClosedLoopSteadyState(model, per_replica, q.input_tokens, q.output_tokens, cap, closed_loop_kv);
    p.has_closed_loop = true;
    if (p.closed_loop.running < per_replica) {
      if (!p.note.empty()) p.note += "; ";
      p.note += std::to_string(per_replica) + " clients per replica, " + std::to_string(p.closed_loop.running) +
                " run at once (limited by " + p.closed_loop.running_limit + "), the rest queue";
    }
  }

  const BatchShape point = DecodeShape(p.batch, mid_context);
  p.dense_total_tokens_per_second = DenseTokensPerSecond(m, d, c, point, TotalParams(m) - m.params.vision);
  p.dense_active_tokens_per_second = DenseTokensPerSecond(m, d, c, point, ActiveParams(m, true));
  return p;
}

}  // namespace capplan
