// Warnings beside a budget that fits or not: each names its numbers and what to change.
#include <algorithm>
#include <cmath>
#include <string>

#include "memory/budget_core.h"
#include "memory/engine_defaults.h"

namespace capplan {
namespace {

std::string Percent(double x) { return std::to_string(static_cast<int>(std::lround(x * 100))) + "%"; }

bool IsSixteenBit(DType t) { return t == DType::kBF16 || t == DType::kFP16 || t == DType::kFP32; }

// True when every linear layer is stored in 16 bits (the case FP8 would halve).
bool LinearWeightsAreSixteenBit(const WeightPrecision& w) {
  return IsSixteenBit(w.linear.value_or(w.base)) && IsSixteenBit(w.routed_experts.value_or(w.linear.value_or(w.base)));
}

}  // namespace

std::vector<Warning> BudgetWarnings(const ModelSpec& m, const Deployment& d, const BudgetQuery& q,
                                    const MemoryBudget& b) {
  std::vector<Warning> out;
  // Weights (or weights and activations) that do not fit: the verdict is the warning, with the nearest fits; the
  // batch and context warnings below are about a pool that does not exist, so none of them is shown.
  if (!b.fits && b.kv_cache.v <= 0) {
    std::string near;
    const int gpus_now = d.parallel.GpusPerReplica();
    if (auto n = MinGpusThatFit(m, d, d.weights, q, 1024); n && *n > gpus_now)
      near += std::to_string(*n) + "x " + d.gpu.id + " at this precision";
    const bool sixteen = LinearWeightsAreSixteenBit(d.weights);
    if (sixteen && HasNativeCompute(d.gpu, ComputeClass::kFP8)) {
      if (auto n = MinGpusThatFit(m, d, UniformWeightPrecision(DType::kFP8), q, 1024))
        near += (near.empty() ? "" : "; ") + std::to_string(*n) + "x " + d.gpu.id + " with FP8 weights";
    }
    if (HasNativeCompute(d.gpu, ComputeClass::kFP4)) {
      if (auto n = MinGpusThatFit(m, d, UniformWeightPrecision(DType::kNVFP4), q, 1024))
        near += (near.empty() ? "" : "; ") + std::to_string(*n) + "x " + d.gpu.id + " with NVFP4 weights";
    }
    out.push_back({"does_not_fit", "does not fit on " + std::to_string(gpus_now) + "x " + d.gpu.id +
                                       (near.empty() ? ": no count of this GPU up to 1,024 holds it; try a GPU with "
                                                       "more memory (capplan fit lists every GPU that does)"
                                                     : "; the nearest that fit: " + near +
                                                           " (capplan fit lists "
                                                           "every GPU)")});
    return out;
  }
  // near_limit: it fits, but with little left over once the workload's sequences hold their KV.
  const Bytes near_limit{std::max(kNearLimitBytes, kNearLimitFraction * b.capacity.v)};
  if (b.fits && b.free < near_limit) {
    out.push_back({"near_limit", "fits with " + FormatBytes(b.free) + " free per GPU after the KV of " +
                                     Thousands(q.batch) + " x " + Thousands(q.context) + " tokens (under the " +
                                     FormatBytes(near_limit) +
                                     " margin that fragmentation and runtime buffers take): expect an OOM at start-up "
                                     "or under load; lower the batch or context, or add memory"});
  }
  // pool_below_limits: --max-model-len x --max-num-seqs promises more KV than the pool holds; the engine starts
  // (it checks one sequence of max length) but queues or preempts when long requests coincide.
  if (b.kv_cache.v > 0 && d.max_model_len > 0 && d.max_num_seqs > 0) {
    const Bytes per_seq = KvBytesPerSequencePerGpu(m, d.parallel, d.kv_dtype, d.engine, d.max_model_len);
    const int64_t full = per_seq.v > 0 ? static_cast<int64_t>(std::floor(b.kv_cache / per_seq)) : 0;
    if (per_seq.v > 0 && full < d.max_num_seqs) {
      out.push_back({"pool_below_limits",
                     "--max-model-len " + Thousands(d.max_model_len) + " with --max-num-seqs " +
                         Thousands(d.max_num_seqs) + ": the KV pool holds " + Thousands(full) + " sequence" +
                         (full == 1 ? "" : "s") + " of that length per rank, not " + Thousands(d.max_num_seqs) +
                         "; the engine starts, then queues or preempts when long requests coincide"});
    }
  }
  // low_headroom: the KV pool is a small slice of what the engine may use.
  // (No pool at all is not a warning but the reason it does not fit.)
  if (b.kv_cache.v > 0 && b.kv_cache / b.capacity < kLowHeadroomFraction) {
    out.push_back({"low_headroom", "the KV pool is " + FormatBytes(b.kv_cache) + ", " +
                                       Percent(b.kv_cache / b.capacity) + " of the " + FormatBytes(b.capacity) +
                                       " capacity per GPU (under " + Percent(kLowHeadroomFraction) +
                                       "): few sequences fit; use more GPUs or smaller weights"});
  }
  const int64_t max_context = d.max_model_len > 0 ? d.max_model_len : m.max_context;
  const Bytes kv_at_max =
      max_context > 0 ? KvBytesPerSequencePerGpu(m, d.parallel, d.kv_dtype, d.engine, max_context) : Bytes{};
  // unbounded_context: without --max-model-len the engine reserves for the model's whole window.
  bool unbounded = false;
  if (b.kv_cache.v > 0 && d.max_model_len == 0 && m.max_context > q.context && kv_at_max > b.kv_cache) {
    unbounded = true;
    out.push_back({"unbounded_context", "no --max-model-len: the engine sizes for the model's " +
                                            Thousands(m.max_context) + "-token context, and one such sequence needs " +
                                            FormatBytes(kv_at_max) + " of KV per GPU while the pool holds " +
                                            FormatBytes(b.kv_cache) +
                                            " (the engine refuses to start); set --max-model-len (at most " +
                                            Thousands(b.max_single_sequence) + " tokens fit in one sequence)" +
                                            (d.max_num_seqs == 0 ? " and --max-num-seqs" : "")});
  }
  // batch_ceiling: at the longest allowed context, fewer sequences fit than the workload runs.
  if (!unbounded && max_context > q.context && kv_at_max.v > 0) {
    const int64_t at_max = static_cast<int64_t>(std::floor(b.kv_cache / kv_at_max)) * d.parallel.dp_attention;
    if (at_max < q.batch)
      out.push_back({"batch_ceiling", "at the " + Thousands(max_context) + "-token max context the KV pool holds " +
                                          Thousands(at_max) + " sequence" + (at_max == 1 ? "" : "s") + ", below the " +
                                          Thousands(q.batch) +
                                          " the workload runs; long requests will queue or be preempted"});
  }
  // fp8_halves_gpus: 16-bit weights on a GPU with FP8 units, where FP8 needs half the GPUs or fewer.
  const int gpus = d.parallel.GpusPerReplica();
  if (gpus >= 2 && LinearWeightsAreSixteenBit(d.weights) && HasNativeCompute(d.gpu, ComputeClass::kFP8)) {
    auto fp8 = MinGpusThatFit(m, d, UniformWeightPrecision(DType::kFP8), q, gpus / 2);
    if (fp8) {
      out.push_back({"fp8_halves_gpus", std::string(DTypeName(d.weights.base)) + " weights on " + std::to_string(gpus) +
                                            "x " + d.gpu.id + "; FP8 weights fit on " + std::to_string(*fp8) + "x (" +
                                            d.gpu.id +
                                            " has FP8 tensor cores; check the quality of an FP8 checkpoint)"});
    }
  }
  // simple_total_missing: a simple-mode model without its total was sized as if active were total.
  if (m.mode == InputMode::kSimple) {
    const bool moe = HasMoeLayers(m);
    bool noted = false;
    for (const auto& l : m.limitations)
      noted = noted || l.starts_with("total parameters not given");  // BuildSimpleModel's note
    if (noted || (moe && TotalParams(m) <= ActiveParams(m))) {
      out.push_back({"simple_total_missing",
                     "total parameters not given: weights sized from the " + FormatCount(ActiveParams(m)) +
                         " active parameters; an MoE model holds all of its experts, so its weights are larger"});
    }
  }
  return out;
}

}  // namespace capplan
