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
  const int experts = NumExperts(m);
  if (p.ep > 1) {
    if (experts == 0)
      return Bad("--ep=" + to_string(p.ep) + " needs a mixture-of-experts model; " + m.name + " is dense", "ep");
    if (experts % p.ep != 0)
      return Bad("--ep=" + to_string(p.ep) + " does not divide num_experts=" + to_string(experts) +
                     ": every expert-parallel GPU holds the same number of experts",
                 "ep");
    if (p.tp % p.ep != 0)
      return Bad("--ep=" + to_string(p.ep) + " does not divide --tp=" + to_string(p.tp) +
                     ": a layer's experts are split among the tensor-parallel GPUs of its pipeline stage "
                     "(ep x expert-tp = tp, as TensorRT-LLM's moe_ep_size x moe_tp_size)",
                 "ep");
  }
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

Result<Parallelism> ResolveLayout(const ModelSpec& m, const GpuSpec& g, const LayoutRequest& r) {
  if (r.gpus < 1) return Error::InvalidArgument("--gpus=" + to_string(r.gpus) + " must be at least 1", "gpus");
  Parallelism p;
  if (!r.tp && !r.pp) {
    CAPPLAN_ASSIGN_OR_RETURN(p, DefaultLayout(m, g, r.gpus));
    if (r.ep) p.ep = *r.ep;
  } else {
    p.tp = r.tp.value_or(1);
    p.pp = r.pp.value_or(1);
    p.ep = r.ep.value_or(1);
    CAPPLAN_RETURN_IF_ERROR(ValidateLayout(m, p));
    if (r.gpus % p.GpusPerReplica() != 0)
      return Error::InvalidArgument(
          "--gpus=" + to_string(r.gpus) + " is not a multiple of --tp x --pp = " + to_string(p.GpusPerReplica()),
          "gpus");
    p.replicas = r.gpus / p.GpusPerReplica();
  }
  CAPPLAN_RETURN_IF_ERROR(ValidateLayout(m, p));
  return p;
}

}  // namespace capplan
