// The per-GPU memory budget: weights, activations and overhead first, the KV pool from what is
// left, then what the pool holds. See docs/memory.md for the engine rules.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "capplan/memory.h"
#include "memory/budget_core.h"
#include "memory/engine_defaults.h"
#include "memory/shard.h"

namespace capplan {
namespace {

struct Stage {
  WeightBytes weights;
  Bytes pool;    // KV pool of one GPU of this stage, >= 0
  Bytes fixed;   // weights + activations + overhead
  Bytes kv_seq;  // one sequence at the query's context
  Bytes state;   // the recurrent-state part of kv_seq
};

// floor(pool / per_item), saturating (a model without attention layers has no KV per sequence).
int64_t HowMany(Bytes pool, Bytes per_item) {
  if (per_item.v <= 0) return std::numeric_limits<int32_t>::max();
  return static_cast<int64_t>(std::min(std::floor(pool / per_item), double{std::numeric_limits<int32_t>::max()}));
}

int64_t ContextLimit(const ModelSpec& m, const Deployment& d) {
  if (d.max_model_len > 0) return d.max_model_len;
  return m.max_context > 0 ? m.max_context : std::numeric_limits<int32_t>::max();
}

// The largest context every stage can give each of `batch` sequences (0 when not even one token).
int64_t MaxContextAtBatch(const ModelSpec& m, const Deployment& d, const std::vector<StageRange>& ranges,
                          const std::vector<Stage>& stages, int batch, int64_t limit) {
  auto fits = [&](int64_t c) {
    for (size_t s = 0; s < stages.size(); ++s) {
      Bytes need = StageKvBytesPerSequence(m, d.parallel, d.kv_dtype, d.engine, ranges[s], c) * batch;
      if (need > stages[s].pool) return false;
    }
    return true;
  };
  int64_t lo = 0, hi = limit;  // fits(lo) holds; KV per sequence grows with context
  if (fits(hi)) return hi;
  while (hi - lo > 1) {
    int64_t mid = lo + (hi - lo) / 2;
    (fits(mid) ? lo : hi) = mid;
  }
  return lo;
}

std::string CapacityNote(const EngineProfile& e, Bytes usable) {
  if (e.fraction_of_free) return FormatBytes(usable) + " usable";
  std::string frac = std::to_string(e.memory_fraction).substr(0, 4);
  return FormatBytes(usable) + " usable x " + frac + " " + e.memory_fraction_flag;
}

}  // namespace

std::string Thousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

Bytes KvBytesPerSequencePerGpu(const ModelSpec& m, const Parallelism& p, DType kv, const EngineProfile& e,
                               int64_t context) {
  Bytes most;
  for (const auto& r : PipelineStages(static_cast<int>(m.layers.size()), p.pp))
    most = std::max(most, StageKvBytesPerSequence(m, p, kv, e, r, context));
  return most;
}

MemoryBudget BudgetOf(const ModelSpec& m, const Deployment& d, const BudgetQuery& q) {
  const EngineProfile& e = d.engine;
  const Bytes usable = d.gpu.memory_usable;
  const auto ranges = PipelineStages(static_cast<int>(m.layers.size()), d.parallel.pp);
  const Bytes activations = ActivationBytesPerGpu(m, d.parallel, e, EffectiveMaxNumSeqs(e, d.gpu, d.max_num_seqs));
  const Bytes overhead = e.cuda_graph_bytes + e.runtime_overhead_bytes;
  const Bytes capacity = e.fraction_of_free ? usable : usable * e.memory_fraction;

  // Each attention-DP rank holds the KV of its own sequences: the busiest one ceil(batch / A).
  const int ranks = std::max(1, d.parallel.dp_attention);
  const int batch = (q.batch + ranks - 1) / ranks;

  MemoryBudget b;
  b.context = q.context;
  b.batch = q.batch;
  b.batch_per_rank = batch;
  b.activations = activations;
  b.overhead = overhead;
  b.capacity = capacity;

  std::vector<Stage> stages;
  for (int s = 0; s < static_cast<int>(ranges.size()); ++s) {
    Stage st;
    st.weights = StageWeightsPerGpu(m, d.weights, d.parallel, ranges, s);
    st.fixed = st.weights.Total() + activations + overhead;
    Bytes pool;
    if (e.fraction_of_free)
      pool = (usable - st.fixed) * e.memory_fraction;  // TensorRT-LLM
    else if (e.reserves_outside_fraction)
      pool = capacity - st.weights.Total();  // SGLang
    else
      pool = capacity - st.fixed;  // vLLM
    st.pool = std::max(pool, Bytes{});
    const SequenceCache cache = StageSequenceCache(m, d.parallel, d.kv_dtype, e, ranges[s], q.context);
    st.kv_seq = cache.Total();
    st.state = cache.state;
    stages.push_back(st);
  }

  // The stage with the least slack describes "the GPU" (with pp = 1 the only one).
  auto slack = [&](const Stage& st) { return st.pool - st.kv_seq * batch; };
  int bind = 0;
  int64_t seqs = std::numeric_limits<int64_t>::max();
  for (int s = 0; s < static_cast<int>(stages.size()); ++s) {
    if (slack(stages[s]) < slack(stages[bind])) bind = s;
    seqs = std::min(seqs, HowMany(stages[s].pool, stages[s].kv_seq));
  }
  const Stage& st = stages[bind];
  b.busiest_stage = bind;
  b.weights = st.weights;
  b.weights_total = st.weights.Total();
  b.kv_cache = st.pool;
  b.kv_bytes_per_sequence = st.kv_seq;
  b.kv_needed = st.kv_seq * batch;
  b.state_bytes_per_sequence = st.state;
  // Per token: the part that grows with context (state is per sequence).
  b.kv_bytes_per_token_per_gpu = (st.kv_seq - st.state) / static_cast<double>(q.context);
  b.kv_tokens = HowMany(st.pool, b.kv_bytes_per_token_per_gpu) * ranks;
  // With recurrent state in the pool, the tokens it holds are those of whole sequences.
  if (st.state.v > 0) b.kv_tokens = HowMany(st.pool, st.kv_seq) * q.context * ranks;
  // --max-num-seqs caps each rank's scheduler (vLLM and TensorRT-LLM run one per attention-DP rank).
  if (d.max_num_seqs > 0) seqs = std::min<int64_t>(seqs, d.max_num_seqs);
  seqs *= ranks;
  b.max_concurrent_sequences = static_cast<int>(std::min<int64_t>(seqs, std::numeric_limits<int>::max()));
  b.max_context_at_batch = MaxContextAtBatch(m, d, ranges, stages, batch, ContextLimit(m, d));
  b.max_single_sequence = MaxContextAtBatch(m, d, ranges, stages, 1, ContextLimit(m, d));
  b.free = (e.fraction_of_free ? usable : capacity) - st.fixed - b.kv_needed;
  if (e.reserves_outside_fraction) b.free = capacity - st.weights.Total() - b.kv_needed;

  // Fits, or the first reason why not (the stage that fails, with its numbers).
  for (int s = 0; s < static_cast<int>(stages.size()) && b.reason.empty(); ++s) {
    const Stage& x = stages[s];
    const std::string stage_note = stages.size() > 1 ? " on pipeline stage " + std::to_string(s) : "";
    const Bytes limit = e.reserves_outside_fraction ? capacity : (e.fraction_of_free ? usable : capacity);
    const Bytes first = e.reserves_outside_fraction ? x.weights.Total() : x.fixed;
    if (first > limit) {
      b.reason = "weights " + FormatBytes(x.weights.Total()) +
                 (e.reserves_outside_fraction
                      ? ""
                      : " + activations " + FormatBytes(activations) + " + overhead " + FormatBytes(overhead)) +
                 " per GPU" + stage_note + " exceed the " + FormatBytes(limit) + " the engine may use (" +
                 CapacityNote(e, usable) + ")";
    } else if (e.reserves_outside_fraction && activations + overhead > usable - capacity) {
      b.reason = "activations " + FormatBytes(activations) + " + overhead " + FormatBytes(overhead) + " exceed the " +
                 FormatBytes(usable - capacity) + " left outside --mem-fraction-static";
    } else if (x.kv_seq * batch > x.pool) {
      const std::string per_rank =
          ranks > 1 ? fmt::format(" ({} on each of {} attention-DP ranks)", Thousands(batch), Thousands(ranks)) : "";
      b.reason = fmt::format(
          "KV for {} sequence{} of {} tokens{} needs {} per GPU{}, the KV pool holds {} ({} sequences{})",
          Thousands(q.batch), q.batch > 1 ? "s" : "", Thousands(q.context), per_rank, FormatBytes(x.kv_seq * batch),
          stage_note, FormatBytes(x.pool), Thousands(HowMany(x.pool, x.kv_seq)), ranks > 1 ? " per rank" : "");
    } else if (d.max_model_len > 0) {
      Bytes one = StageKvBytesPerSequence(m, d.parallel, d.kv_dtype, e, ranges[s], d.max_model_len);
      if (one > x.pool)
        b.reason = "one sequence of --max-model-len=" + Thousands(d.max_model_len) + " tokens needs " +
                   FormatBytes(one) + " of KV per GPU" + stage_note + ", the KV pool holds " + FormatBytes(x.pool) +
                   " (the engine refuses to start)";
    }
  }
  b.fits = b.reason.empty();
  if (!b.fits && b.kv_cache.v <= 0) b.max_concurrent_sequences = 0;
  return b;
}

Result<MemoryBudget> ComputeMemoryBudget(const ModelSpec& m, const Deployment& d, const BudgetQuery& q) {
  if (q.context < 1)
    return Error::InvalidArgument("--context=" + std::to_string(q.context) + " must be at least 1 token", "context");
  if (q.batch < 1)
    return Error::InvalidArgument("--batch=" + std::to_string(q.batch) + " must be at least 1 sequence", "batch");
  if (d.max_model_len < 0)
    return Error::InvalidArgument("--max-model-len=" + std::to_string(d.max_model_len) + " must be positive",
                                  "max-model-len");
  if (d.max_num_seqs < 0)
    return Error::InvalidArgument("--max-num-seqs=" + std::to_string(d.max_num_seqs) + " must be positive",
                                  "max-num-seqs");
  if (d.gpu.memory_usable.v <= 0) return Error::InvalidArgument("--gpu: " + d.gpu.id + " has no usable memory", "gpu");
  CAPPLAN_RETURN_IF_ERROR(ValidateLayout(m, d.parallel));
  if (d.max_model_len > 0 && q.context > d.max_model_len)
    return Error::InvalidArgument(
        "--context=" + std::to_string(q.context) + " exceeds --max-model-len=" + std::to_string(d.max_model_len),
        "context");
  if (m.max_context > 0 && q.context > m.max_context)
    return Error::InvalidArgument("--context=" + std::to_string(q.context) + " exceeds the model's context of " +
                                      std::to_string(m.max_context) + " tokens (max_position_embeddings)",
                                  "context");
  MemoryBudget b = BudgetOf(m, d, q);
  b.warnings = BudgetWarnings(m, d, q, b);
  return b;
}

}  // namespace capplan
