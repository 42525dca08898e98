// RooflineStepTimeModel: one step of one replica, priced operation by operation.
//
// Per layer, on the busiest GPU of the layer's pipeline stage:
//   attention    weights/tp + KV read/written   vs  2 T attn/tp + QK^T and AV over the visible context
//   dense MLP    weights/tp                     vs  2 T mlp/tp
//   shared exp.  weights/tp                     vs  2 T shared/tp
//   routed exp.  distinct experts on the busiest EP rank x expert/etp
//                                              vs  2 x (token-expert pairs on that rank) x expert/etp
// each max(compute, memory); plus two TP all-reduces, EP all-to-all, a per-layer launch overhead.
// Pipeline stages run one after the other for a step (no micro-batch overlap: latency-accurate,
// throughput-pessimistic for pp > 1; see docs/perf.md). Then the LM head and a per-step overhead.
#include <algorithm>
#include <cmath>

#include "capplan/perf.h"
#include "perf/collectives.h"

namespace capplan {
namespace {

// The class a weight format computes in on this GPU. Formats the GPU has no tensor cores for are weight-only
// quantization: read at their stored size, widened to 16 bits in the kernel (Marlin / triton W4A16 for MXFP4 and
// NVFP4 on Hopper and Ampere; W8A16 for FP8 on Ampere), so they compute at the BF16 rate.
ComputeClass ComputeClassOf(DType t, const GpuSpec& g) {
  ComputeClass c = ComputeClass::kBF16;  // bf16/fp16, and int4 weight-only (dequantized to bf16)
  switch (t) {
    case DType::kFP8:
      c = ComputeClass::kFP8;
      break;
    case DType::kINT8:
      c = ComputeClass::kINT8;
      break;
    case DType::kNVFP4:
    case DType::kMXFP4:
      c = ComputeClass::kFP4;
      break;
    default:
      break;
  }
  return HasNativeCompute(g, c) ? c : ComputeClass::kBF16;
}

// A weight-only format on this GPU: stored narrower than the class it computes in (MXFP4 or NVFP4 on Hopper, FP8 on
// Ampere). Its kernels (Marlin, machete, triton matmul_ogs) stream the packed weights through a dequantizing GEMV-like
// path at small row counts, so a small GEMM is bound by its (narrow) weight read: the small-GEMM inefficiency
// (half-efficiency rows) measured on native GEMMs, whose weights are up to 4x wider per FLOP, applies scaled by the
// packed bytes (WeightOnlyHalfScale).
bool WeightOnly(DType t, const GpuSpec& g) {
  switch (t) {
    case DType::kFP8:
    case DType::kINT8:
    case DType::kNVFP4:
    case DType::kMXFP4:
      return ComputeClassOf(t, g) == ComputeClass::kBF16;
    default:
      return false;
  }
}

// The half-efficiency rows of a weight-only format relative to a native 16-bit GEMM's: the fixed cost they stand for is
// streaming the weights, which the packed format reads at its stored bytes per weight against the 2 of the BF16
// GEMM it computes as (MXFP4: 4.25 bits, 0.27x the rows; FP8 on Ampere: 0.5x).
double WeightOnlyHalfScale(DType t) { return BytesPerElement(t) / BytesPerElement(DType::kBF16); }

// What an operation's memory traffic is: weights (and activations) or the KV cache.
enum class Traffic { kWeights, kKv };

struct OpCost {
  Flops flops;
  Bytes bytes;
  FlopsPerSec rate;       // achievable for this op at its size
  FlopsPerSec full_rate;  // the same kernel at large-GEMM efficiency (for the bound label)
  Traffic traffic = Traffic::kWeights;
};

// Activations move in 16-bit between layers and across links.
constexpr double kActivationBytes = 2.0;

// Token mixing of a layer that is not plain attention, from the model's per-layer accounting
// (src/model/state_cache.cc): a recurrent layer reads and writes its state once per sequence in
// the step and spends MixerFlopsPerToken per token; a sparse (DSA) or compressed (DeepSeek-V4)
// attention layer reads the KV of the entries it attends to plus the indexer keys it scans.
OpCost MixerCost(const ModelSpec& m, const LayerSpec& layer, const BatchShape& s, double mean_ctx, DType kv, int tp,
                 double pair_flops, double prefill_pairs, double prefill_cached, FlopsPerSec rate) {
  const auto ctx = static_cast<int64_t>(mean_ctx);
  const double decodes = s.decode_sequences;
  if (layer.mixer == MixerKind::kGatedDeltaNet || layer.mixer == MixerKind::kMamba2) {
    const double state = RecurrentStateOfLayer(m, layer, tp).Total().v;
    const double per_token = MixerFlopsPerToken(m, layer, ctx).v / tp;
    return {Flops{per_token * static_cast<double>(s.TotalTokens())},
            Bytes{2.0 * state * (decodes + s.prefill_sequences)}, rate, rate, Traffic::kKv};
  }
  if (layer.mixer != MixerKind::kAttention) return {Flops{0}, Bytes{0}, rate, rate, Traffic::kKv};
  const double kv_token = static_cast<double>(KvElementsPerTokenOfLayer(m, layer, tp)) * BytesPerElement(kv);
  const double index_token = IndexerBytesPerTokenOfLayer(m, layer).v;
  const double index_flops =
      m.sparse_index && layer.sparse_index ? 2.0 * m.sparse_index->num_heads * m.sparse_index->head_dim : 0.0;
  const double scanned = static_cast<double>(IndexerEntriesOfLayer(m, layer, ctx));
  const double attended = static_cast<double>(AttendedEntriesOfLayer(m, layer, ctx));
  const double prefill_tokens = static_cast<double>(s.prefill_tokens);
  // Prefill scores every cached and new token with the indexer; its attention is top-k per query.
  const double prefill_scan = layer.compress_ratio > 0 ? prefill_pairs / layer.compress_ratio : prefill_pairs;
  const double prefill_attended =
      m.sparse_index ? std::min(prefill_pairs, prefill_tokens * m.sparse_index->topk) : prefill_pairs;
  return {
      Flops{pair_flops * (decodes * attended + prefill_attended) + index_flops * (decodes * scanned + prefill_scan)},
      Bytes{decodes * (DecodeCacheBytesPerSequence(m, layer, ctx, kv, tp).v) +
            (kv_token + index_token) * (prefill_cached + prefill_tokens)},
      rate, rate, Traffic::kKv};
}

}  // namespace

BatchShape BusiestRankShape(const BatchShape& s, int ranks) {
  if (ranks <= 1) return s;
  BatchShape r;
  // Whole sequences: ceil(n / A) of the decodes, ceil(n / A) of the prompts (each with its own chunk, so the prompt
  // tokens, cached tokens and pairs follow the prompts' share; the step's prompts are priced as of equal length).
  const auto ceil_div = [ranks](int n) { return (n + ranks - 1) / ranks; };
  r.decode_sequences = ceil_div(s.decode_sequences);
  r.decode_context_tokens = s.decode_sequences > 0
                                ? static_cast<int64_t>(std::llround(static_cast<double>(s.decode_context_tokens) *
                                                                    r.decode_sequences / s.decode_sequences))
                                : 0;
  // A shape with prompt tokens but no prompt count (not built by capplan's callers) keeps the even 1 / A split.
  const double f =
      s.prefill_sequences > 0 ? static_cast<double>(ceil_div(s.prefill_sequences)) / s.prefill_sequences : 1.0 / ranks;
  r.prefill_sequences = ceil_div(s.prefill_sequences);
  r.prefill_tokens = static_cast<int64_t>(std::llround(static_cast<double>(s.prefill_tokens) * f));
  r.prefill_cached_tokens = static_cast<int64_t>(std::llround(static_cast<double>(s.prefill_cached_tokens) * f));
  r.prefill_attention_pairs = s.prefill_attention_pairs * f;
  return r;
}

int GemmLaunchesOfLayer(const ModelSpec& m, const LayerSpec& layer) {
  int n = layer.mixer == MixerKind::kAttention && m.attention.mla ? 5 : 2;
  if (layer.dense_mlp_params > 0) n += 2;
  if (layer.shared_expert_params > 0) n += 2;
  if (layer.is_moe()) n += 3;
  return n;
}

RooflineStepTimeModel::RooflineStepTimeModel(ModelSpec model, Deployment deployment, PerfCalibration calibration)
    : model_(std::move(model)), deployment_(std::move(deployment)), calibration_(std::move(calibration)) {}

Seconds RooflineStepTimeModel::StepTime(const BatchShape& shape) const { return Breakdown(shape).total; }

StepBreakdown RooflineStepTimeModel::Breakdown(const BatchShape& s) const {
  const ModelSpec& m = model_;
  const Deployment& d = deployment_;
  const PerfCalibration& c = calibration_;
  const GpuSpec& g = d.gpu;
  const int tp = std::max(1, d.parallel.tp);
  const int ep = std::max(1, d.parallel.ep);
  const int pp = std::max(1, d.parallel.pp);
  const int etp = d.parallel.MoeTp();  // M: each expert's tensor-parallel shard count (T x A / E)

  const DType linear_t = d.weights.linear.value_or(d.weights.base);
  const DType expert_t = d.weights.routed_experts.value_or(linear_t);
  const DType embed_t = d.weights.quantize_embeddings ? linear_t : d.weights.base;
  const double linear_b = BytesPerElement(linear_t);
  const double expert_b = BytesPerElement(expert_t);
  const double kv_b = BytesPerElement(d.kv_dtype);

  const BytesPerSec bw = g.hbm_bandwidth * c.hbm_efficiency;
  const FlopsPerSec linear_peak = PeakFlops(g, ComputeClassOf(linear_t, g));
  const FlopsPerSec expert_peak = PeakFlops(g, ComputeClassOf(expert_t, g));
  const FlopsPerSec linear_full = linear_peak * c.matmul_efficiency;
  const FlopsPerSec expert_full = expert_peak * (c.matmul_efficiency * c.expert_matmul_scale);
  const FlopsPerSec attn_rate = PeakFlops(g, ComputeClass::kBF16) * c.attention_efficiency;

  // Attention DP: attention, dense MLPs and the LM head run on each rank's own sequences, and the step waits for
  // the busiest rank (the MoE all-to-all synchronises the ranks): whole sequences, ceil(n / A) of them, not an
  // even 1/A of the tokens (one prompt runs on one rank while the others wait). The routed experts see the whole
  // stage's tokens (docs/scale.md).
  const BatchShape rank = BusiestRankShape(s, RankShareOf(d.parallel).ranks);
  const double stage_tokens = static_cast<double>(s.TotalTokens());
  const double tokens = static_cast<double>(rank.TotalTokens());
  const double seqs = rank.decode_sequences + rank.prefill_sequences;
  const double mean_ctx =
      s.decode_sequences > 0 ? static_cast<double>(s.decode_context_tokens) / s.decode_sequences : 0;

  // KV geometry: GQA heads split across TP ranks, replicated when TP exceeds them; MLA's latent is
  // replicated on every rank (one latent per token, not per head).
  const double kv_bytes_token_layer = static_cast<double>(KvElementsPerTokenPerLayerPerRank(m, tp)) * kv_b;
  // Attention score FLOPs per query-key pair per layer (QK^T and AV, 2 FLOPs per MAC), per GPU.
  const double heads_per_gpu = static_cast<double>(m.attention.num_heads) / tp;
  const double pair_flops = m.attention.mla
                                ? 2.0 * heads_per_gpu * (2.0 * m.attention.kv_lora_rank + m.attention.qk_rope_head_dim)
                                : 2.0 * heads_per_gpu * (m.attention.head_dim + m.attention.v_head_dim);
  // MLA prefill runs in the decompressed (MHA) form, not the absorbed one decode uses (vLLM's MLA prefill, SGLang's
  // forward_normal, TensorRT-LLM's context MLA): scores over qk_nope + qk_rope and values over v_head_dim per head,
  // 2 x heads x (192 + 128) FLOPs a pair for DeepSeek-V3 against the absorbed 2 x heads x (2 x 512 + 64), 3.4x fewer;
  // the chunk's cached latents are first expanded through kv_b_proj (2 x kv_lora_rank x heads x (qk_nope + v) FLOPs
  // a cached token; the new tokens' expansion is in the attention projections already).
  const double prefill_pair_flops =
      m.attention.mla ? 2.0 * heads_per_gpu * (m.attention.head_dim + m.attention.v_head_dim) : pair_flops;
  const double expand_flops_per_cached = m.attention.mla ? 2.0 * m.attention.kv_lora_rank * heads_per_gpu *
                                                               (m.attention.qk_nope_head_dim + m.attention.v_head_dim)
                                                         : 0.0;

  StepBreakdown out;
  // A weight-only kernel streams its packed weights: the small-GEMM inefficiency (the half-efficiency rows, fitted on
  // native GEMMs of 16-bit weights) shrinks with the bytes it reads per weight, WeightOnlyHalfScale.
  const double linear_half_scale = WeightOnly(linear_t, g) ? WeightOnlyHalfScale(linear_t) : 1.0;
  const double expert_half_scale = WeightOnly(expert_t, g) ? WeightOnlyHalfScale(expert_t) : 1.0;
  const double dense_eff =
      c.matmul_efficiency * (tokens > 0 ? tokens / (tokens + c.matmul_half_tokens * linear_half_scale) : 1.0);
  // Prices one operation as max(compute, memory) and records its terms in the breakdown, with what limits it:
  // its reads, or its FLOPs; FLOPs that would hide under the reads at large-GEMM efficiency are GEMM efficiency.
  auto price = [&](const OpCost& o) {
    const Seconds tc = o.rate.v > 0 ? o.flops / o.rate : Seconds{0};
    const Seconds tm = o.bytes / bw;
    const Seconds t = std::max(tc, tm);
    out.compute += tc;
    out.memory += tm;
    if (tm >= tc) {
      (o.traffic == Traffic::kKv ? out.kv_read : out.weights_read) += t;
    } else {
      const Seconds t_full = o.full_rate.v > 0 ? o.flops / o.full_rate : tc;
      (t_full <= tm ? out.gemm_efficiency : out.compute_limited) += t;
    }
    out.bytes_read += o.bytes;
    out.flops += o.flops;
    return t;
  };
  for (const LayerSpec& layer : m.layers) {
    const double window = layer.window > 0 ? static_cast<double>(layer.window) : 1e300;
    // Visible context: decodes read min(context, window) each; prefill chunks read their cache.
    const double decode_visible = rank.decode_sequences * std::min(mean_ctx, window);
    const double prefill_pairs =
        std::min(rank.prefill_attention_pairs, static_cast<double>(rank.prefill_tokens) * window);
    const double prefill_cached =
        std::min(static_cast<double>(rank.prefill_cached_tokens), rank.prefill_sequences * window);

    Seconds layer_time{0};
    auto add = [&](const OpCost& o) { layer_time += price(o); };

    // Attention: projections (a GEMM over all tokens) and the context-dependent part.
    const double attn_w = static_cast<double>(layer.attention_params) / tp;
    add({Flops{2.0 * tokens * attn_w}, Bytes{attn_w * linear_b + tokens * m.hidden_size * kActivationBytes * 2 / tp},
         linear_peak * dense_eff, linear_full});
    const bool plain_attention =
        layer.mixer == MixerKind::kAttention && !layer.sparse_index && layer.compress_ratio == 0;
    if (plain_attention) {
      const double kv_token =
          layer.kv_shape ? static_cast<double>(KvElementsPerTokenOfLayer(m, layer, tp)) * kv_b : kv_bytes_token_layer;
      add({Flops{pair_flops * decode_visible + prefill_pair_flops * prefill_pairs +
                 expand_flops_per_cached * prefill_cached},
           Bytes{kv_token * (decode_visible + prefill_cached + tokens)}, attn_rate, attn_rate, Traffic::kKv});
    } else {
      add(MixerCost(m, layer, rank, mean_ctx, d.kv_dtype, tp, pair_flops, prefill_pairs, prefill_cached, attn_rate));
    }

    if (layer.dense_mlp_params > 0) {
      const double w = static_cast<double>(layer.dense_mlp_params) / tp;
      add({Flops{2.0 * tokens * w}, Bytes{w * linear_b}, linear_peak * dense_eff, linear_full});
    }
    if (layer.shared_expert_params > 0) {
      const double w = static_cast<double>(layer.shared_expert_params) / tp;
      add({Flops{2.0 * tokens * w}, Bytes{w * linear_b}, linear_peak * dense_eff, linear_full});
    }
    if (layer.is_moe()) {
      const ExpertLoad load = BusiestRankExpertLoad(layer.num_experts, layer.experts_per_token, ep, stage_tokens,
                                                    EplbSkew(c.routing_skew, d.parallel));
      const double w = static_cast<double>(layer.expert_params) / etp;
      const double tokens_per_expert = load.distinct_experts > 0 ? load.assignments / load.distinct_experts : 0;
      // Grouped-GEMM efficiency follows the rows each expert's GEMM gets (tokens per expert), with its own
      // half-efficiency point; token permutation reads and writes each routed token's hidden state twice
      // (gather before the experts, scatter-add after).
      const double half = (c.expert_half_tokens > 0 ? c.expert_half_tokens : c.matmul_half_tokens) * expert_half_scale;
      const double expert_eff = tokens_per_expert > 0
                                    ? c.matmul_efficiency * tokens_per_expert / (tokens_per_expert + half)
                                    : c.matmul_efficiency;
      const double permute_bytes = load.assignments * m.hidden_size * kActivationBytes * 4;
      add({Flops{2.0 * load.assignments * w}, Bytes{load.distinct_experts * w * expert_b + permute_bytes},
           expert_peak * (expert_eff * c.expert_matmul_scale), expert_full});
      add({Flops{2.0 * tokens * layer.router_params}, Bytes{layer.router_params * linear_b}, linear_peak * dense_eff,
           linear_full});
      out.distinct_experts = load.distinct_experts;  // the same for every MoE layer of a model
      out.overhead += c.moe_layer_overhead;
    }

    // Communication, each collective on the links it crosses (perf/collectives.h).
    const Seconds comm = LayerCommunicationOf(m, layer, d.parallel, g, c, stage_tokens).Total();
    out.communication += comm;
    out.roofline += layer_time;
    // Each GEMM kernel's fixed time: a decode step of a few tokens is a chain of short kernels, so its floor grows
    // with the kernels a layer launches (an MLA + shared-expert MoE layer launches 10, a Llama layer 4).
    out.overhead += c.layer_overhead + c.gemm_launch_overhead * static_cast<double>(GemmLaunchesOfLayer(m, layer));
  }

  // LM head: logits only for the last token of each sequence in the step; embedding lookup is free.
  if (m.params.lm_head > 0 || m.tied_embeddings) {
    const double w = static_cast<double>(m.params.lm_head > 0 ? m.params.lm_head : m.params.embedding) / tp;
    out.roofline += price({Flops{2.0 * seqs * w}, Bytes{w * BytesPerElement(embed_t)},
                           linear_peak * MatmulEfficiency(c, seqs), linear_full});
  }

  // Pipeline hand-offs between stages.
  if (pp > 1) {
    BytesPerSec link = g.scale_out_bandwidth.v > 0 ? g.scale_out_bandwidth : GBps(16);
    if (d.parallel.GpusPerReplica() <= g.gpus_per_node && g.scale_up_bandwidth.v > 0) link = g.scale_up_bandwidth;
    const Bytes act{tokens * m.hidden_size * kActivationBytes};
    out.communication += (c.collective_latency + act / (link * c.comm_efficiency)) * static_cast<double>(pp - 1);
  }
  // Host work per step (scheduling, sampling, detokenisation); an engine that overlaps its scheduler with the
  // GPU hides it behind the GPU's part of the step.
  out.host_overhead = c.step_overhead + c.sequence_overhead * seqs;
  const Seconds gpu = out.roofline + out.communication + out.overhead;
  out.overhead += out.host_overhead;
  out.total = c.overlap_scheduler ? std::max(gpu, out.host_overhead) : gpu + out.host_overhead;

  const Seconds largest = std::max(
      {out.weights_read, out.kv_read, out.gemm_efficiency, out.compute_limited, out.communication, out.overhead});
  out.bound = largest == out.weights_read      ? Bound::kWeightsRead
              : largest == out.kv_read         ? Bound::kKvRead
              : largest == out.gemm_efficiency ? Bound::kGemmEfficiency
              : largest == out.compute_limited ? Bound::kCompute
              : largest == out.communication   ? Bound::kCommunication
                                               : Bound::kOverhead;
  return out;
}

BatchShape DecodeShape(int batch, int64_t context) {
  BatchShape s;
  s.decode_sequences = batch;
  s.decode_context_tokens = static_cast<int64_t>(batch) * context;
  return s;
}

BatchShape PrefillShape(int64_t tokens, int64_t cached) {
  BatchShape s;
  s.prefill_sequences = 1;
  s.prefill_tokens = tokens;
  s.prefill_cached_tokens = cached;
  s.prefill_attention_pairs = static_cast<double>(tokens) * (static_cast<double>(cached) + (tokens + 1) / 2.0);
  return s;
}

}  // namespace capplan
