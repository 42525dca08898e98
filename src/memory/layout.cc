// Parallel layouts: the rules engines enforce, and a default layout for a GPU count.
#include <algorithm>
#include <string>

#include "capplan/memory.h"

namespace capplan {
namespace {

using std::to_string;

int NumExperts(const ModelSpec& m) {
  int e = 0;
  for (const auto& l : m.layers) e = std::max(e, l.num_experts);
  return e;
}

Error Bad(const std::string& msg, const std::string& flag) { return Error::Infeasible(msg, flag); }

}  // namespace

Status ValidateLayout(const ModelSpec& m, const Parallelism& p) {
  if (p.tp < 1) return Error::InvalidArgument("--tp=" + to_string(p.tp) + " must be at least 1", "tp");
  if (p.ep < 1) return Error::InvalidArgument("--ep=" + to_string(p.ep) + " must be at least 1", "ep");
  if (p.pp < 1) return Error::InvalidArgument("--pp=" + to_string(p.pp) + " must be at least 1", "pp");
  if (p.replicas < 1)
    return Error::InvalidArgument("--replicas=" + to_string(p.replicas) + " must be at least 1", "replicas");

  const int heads = m.attention.num_heads;
  const int kv = m.attention.num_kv_heads;
  if (p.tp > heads)
    return Bad("--tp=" + to_string(p.tp) + " exceeds num_attention_heads=" + to_string(heads) +
                   ": every tensor-parallel GPU needs at least one attention head",
               "tp");
  if (heads % p.tp != 0)
    return Bad("--tp=" + to_string(p.tp) + " does not divide num_attention_heads=" + to_string(heads) +
                   ": attention heads are split evenly across tensor-parallel GPUs",
               "tp");
  if (!m.attention.mla) {
    // KV heads split when TP <= kv heads, and are replicated in whole copies when TP exceeds them.
    if (p.tp <= kv ? kv % p.tp != 0 : p.tp % kv != 0)
      return Bad("--tp=" + to_string(p.tp) + " and num_key_value_heads=" + to_string(kv) +
                     ": one must divide the other (KV heads are split across TP GPUs, or replicated in whole "
                     "copies when TP exceeds them)",
                 "tp");
  }
  if (p.dp_attention < 1)
    return Error::InvalidArgument("--dp-attention=" + to_string(p.dp_attention) + " must be at least 1",
                                  "dp-attention");
  if (p.eplb_redundant < 0)
    return Error::InvalidArgument("--eplb-redundant=" + to_string(p.eplb_redundant) + " must be at least 0",
                                  "eplb-redundant");
  const int experts = NumExperts(m);
  const int stage_gpus = p.GpusPerStage();
  if (p.ep > 1) {
    if (experts == 0)
      return Bad("--ep=" + to_string(p.ep) + " needs a mixture-of-experts model; " + m.name + " is dense", "ep");
    if ((experts + p.eplb_redundant) % p.ep != 0)
      return Bad("--ep=" + to_string(p.ep) + " does not divide num_experts=" + to_string(experts) +
                     (p.eplb_redundant > 0 ? " + --eplb-redundant=" + to_string(p.eplb_redundant) : "") +
                     ": every expert-parallel GPU holds the same number of experts",
                 "ep");
    if (stage_gpus % p.ep != 0)
      return Bad(
          "--ep=" + to_string(p.ep) + " does not divide " +
              (p.dp_attention > 1 ? "--tp x --dp-attention=" + to_string(stage_gpus) : "--tp=" + to_string(p.tp)) +
              ": a layer's experts are split among the GPUs of its pipeline stage "
              "(moe-tp x ep = tp x dp-attention, as TensorRT-LLM's moe_tp_size x moe_ep_size)",
          "ep");
  }
  if (p.eplb_redundant > 0 && p.ep < 2)
    return Bad("--eplb-redundant=" + to_string(p.eplb_redundant) +
                   " needs --ep of at least 2: redundant experts balance load across expert-parallel ranks",
               "eplb-redundant");
  const int layers = static_cast<int>(m.layers.size());
  if (p.pp > layers)
    return Bad("--pp=" + to_string(p.pp) + " exceeds the model's " + to_string(layers) +
                   " layers: every pipeline stage needs at least one layer",
               "pp");
  return Ok{};
}

Result<Parallelism> DefaultLayout(const ModelSpec& m, const GpuSpec& g, int gpus) {
  if (gpus < 1) return Error::InvalidArgument("--gpus=" + to_string(gpus) + " must be at least 1", "gpus");
  // TP: the widest split within one node (scale-up domain) that the heads allow and that divides
  // the GPU count; the rest of the GPUs become pipeline stages across nodes.
  Parallelism best{.tp = 0};
  for (int tp = std::min(gpus, g.gpus_per_node); tp >= 1; --tp) {
    if (gpus % tp != 0) continue;
    Parallelism p{.tp = tp, .ep = 1, .pp = gpus / tp, .replicas = 1};
    if (ValidateLayout(m, p).ok()) {
      best = p;
      break;
    }
  }
  if (best.tp == 0)
    return Error::Infeasible("--gpus=" + to_string(gpus) + ": no tensor x pipeline split of " + to_string(gpus) +
                                 " GPUs suits " + m.name + " (" + to_string(m.attention.num_heads) + " heads, " +
                                 to_string(m.layers.size()) + " layers); give --tp and --pp",
                             "gpus");
  // EP for MoE models: experts whole on each GPU where the count allows (vLLM
  // --enable-expert-parallel uses ep = tp); same bytes per GPU, less over-sharding of small experts.
  const int experts = NumExperts(m);
  if (experts > 0) {
    for (int ep = best.tp; ep >= 1; --ep) {
      if (best.tp % ep == 0 && experts % ep == 0) {
        best.ep = ep;
        break;
      }
    }
  }
  return best;
}

namespace {

// E from --ep and --moe-tp under M x E = T x A; neither given -> `fallback`.
Result<int> ExpertParallelOf(const LayoutRequest& r, int stage_gpus, const std::string& stage_flags, int fallback) {
  if (r.moe_tp && *r.moe_tp < 1)
    return Error::InvalidArgument("--moe-tp=" + to_string(*r.moe_tp) + " must be at least 1", "moe-tp");
  if (!r.moe_tp) return r.ep.value_or(fallback);
  if (stage_gpus % *r.moe_tp != 0)
    return Bad("--moe-tp=" + to_string(*r.moe_tp) + " does not divide " + stage_flags + "=" + to_string(stage_gpus) +
                   ": moe-tp x ep = tp x dp-attention",
               "moe-tp");
  const int ep = stage_gpus / *r.moe_tp;
  if (r.ep && *r.ep != ep)
    return Bad("--moe-tp=" + to_string(*r.moe_tp) + " x --ep=" + to_string(*r.ep) + " = " +
                   to_string(*r.moe_tp * *r.ep) + " but " + stage_flags + " = " + to_string(stage_gpus) +
                   ": moe-tp x ep = tp x dp-attention (every GPU of a stage holds one expert shard)",
               "moe-tp");
  return ep;
}

}  // namespace

Result<Parallelism> ResolveLayout(const ModelSpec& m, const GpuSpec& g, const LayoutRequest& r) {
  if (r.gpus < 1) return Error::InvalidArgument("--gpus=" + to_string(r.gpus) + " must be at least 1", "gpus");
  Parallelism p;
  if (!r.tp && !r.pp && !r.dp_attention) {
    CAPPLAN_ASSIGN_OR_RETURN(p, DefaultLayout(m, g, r.gpus));
    CAPPLAN_ASSIGN_OR_RETURN(p.ep, ExpertParallelOf(r, p.GpusPerStage(), "--tp", p.ep));
  } else {
    p.tp = r.tp.value_or(1);
    p.pp = r.pp.value_or(1);
    p.dp_attention = r.dp_attention.value_or(1);
    const std::string stage_flags = p.dp_attention > 1 ? "--tp x --dp-attention" : "--tp";
    if (p.tp >= 1 && p.dp_attention >= 1) {
      CAPPLAN_ASSIGN_OR_RETURN(p.ep, ExpertParallelOf(r, p.GpusPerStage(), stage_flags, 1));
    } else {
      p.ep = r.ep.value_or(1);
    }
    p.eplb_redundant = r.eplb_redundant;
    CAPPLAN_RETURN_IF_ERROR(ValidateLayout(m, p));
    if (r.gpus % p.GpusPerReplica() != 0)
      return Error::InvalidArgument("--gpus=" + to_string(r.gpus) + " is not a multiple of " + stage_flags +
                                        " x --pp = " + to_string(p.GpusPerReplica()) +
                                        " (GPUs per replica = tp x dp-attention x pp)",
                                    "gpus");
    p.replicas = r.gpus / p.GpusPerReplica();
  }
  p.eplb_redundant = r.eplb_redundant;
  CAPPLAN_RETURN_IF_ERROR(ValidateLayout(m, p));
  return p;
}

}  // namespace capplan
