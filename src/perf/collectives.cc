#include "perf/collectives.h"

#include <algorithm>

namespace capplan {
namespace {

// Activations move in 16-bit between layers and across links (as the step model's own).
constexpr double kActivationBytes = 2.0;
// No recorded link at all: PCIe gen3 x16 as a floor.
constexpr BytesPerSec kFloorLink = GBps(16);

BytesPerSec ScaleUpLink(const GpuSpec& g) {
  if (g.scale_up_bandwidth.v > 0) return g.scale_up_bandwidth;
  return g.pcie_bandwidth.v > 0 ? g.pcie_bandwidth : kFloorLink;
}

BytesPerSec ScaleOutLink(const GpuSpec& g) { return g.scale_out_bandwidth.v > 0 ? g.scale_out_bandwidth : kFloorLink; }

}  // namespace

RankShare RankShareOf(const Parallelism& p) {
  const int a = std::max(1, p.dp_attention);
  return {.rank_fraction = 1.0 / a, .ranks = a};
}

int ScaleUpDomain(const GpuSpec& g) { return g.scale_up_domain > 0 ? g.scale_up_domain : std::max(1, g.gpus_per_node); }

BytesPerSec GroupLink(const GpuSpec& g, int group) {
  return group <= ScaleUpDomain(g) ? ScaleUpLink(g) : ScaleOutLink(g);
}

Seconds AllToAllTime(Bytes bytes_per_gpu, int group, const GpuSpec& g, const PerfCalibration& c) {
  if (group <= 1 || bytes_per_gpu.v <= 0) return Seconds{0};
  const int domain = std::min(group, ScaleUpDomain(g));
  // Of the group-1 peers, domain-1 share the sender's NVLink domain; the others are across the network.
  const double near = static_cast<double>(domain - 1) / (group - 1);
  const Seconds in_domain = bytes_per_gpu * near / (ScaleUpLink(g) * c.comm_efficiency);
  const Seconds across = bytes_per_gpu * (1.0 - near) / (ScaleOutLink(g) * c.comm_efficiency);
  return c.collective_latency + std::max(in_domain, across);
}

Seconds AllGatherTime(Bytes total, int group, const GpuSpec& g, const PerfCalibration& c) {
  if (group <= 1) return Seconds{0};
  // A ring crossing domains runs at the speed of its slowest hop.
  return c.collective_latency +
         total * (static_cast<double>(group - 1) / group) / (GroupLink(g, group) * c.comm_efficiency);
}

LayerCommunication LayerCommunicationOf(const ModelSpec& m, const LayerSpec& l, const Parallelism& p, const GpuSpec& g,
                                        const PerfCalibration& c, double tokens) {
  LayerCommunication out;
  const RankShare share = RankShareOf(p);
  const double h = static_cast<double>(m.hidden_size);
  const int tp = std::max(1, p.tp);
  const int stage = std::max(1, p.GpusPerStage());
  const int ep = std::max(1, p.ep);
  // Two all-reduces per layer (attention out, MLP out) of one rank's activations over its T GPUs.
  const Bytes rank_act{tokens * share.rank_fraction * h * kActivationBytes};
  out.tp_all_reduce = AllReduceTime(rank_act, tp, GroupLink(g, tp), c) * 2.0;
  if (!l.is_moe()) return out;
  // Expert parallelism inside one rank's tensor-parallel group (A = 1, E <= T, the same GPUs): every GPU already
  // holds every token after the attention all-reduce and the MLP all-reduce sums the experts' outputs, so there is
  // no separate dispatch/combine; counting both would price the communication twice (issue 12).
  const bool ep_inside_tp = share.ranks == 1 && ep <= tp;
  if (ep > 1 && !ep_inside_tp) {
    // Each GPU dispatches its 1/(T x A) of the stage's tokens to k experts, each held as M shards;
    // (E-1)/E of them on other ranks. Combine returns the same bytes. (A = 1, M = T/E reduces to
    // tokens k h (E-1)/E^2, the TP-group all-to-all.)
    const Bytes per_gpu{tokens / stage * l.experts_per_token * p.MoeTp() * h * kActivationBytes * (ep - 1) / ep};
    out.dispatch_combine = AllToAllTime(per_gpu, stage, g, c) * 2.0;
  } else if (share.ranks > 1) {
    // Experts TP-sharded over all T x A GPUs: every GPU needs every rank's tokens (all-gather) and
    // returns its partial sums (reduce-scatter).
    const Bytes all{tokens * h * kActivationBytes};
    out.dp_gather_scatter = AllGatherTime(all, stage, g, c) * 2.0;
  }
  return out;
}

KvTransferLink KvTransferLinkOf(const GpuSpec& g, int worker_gpus, int total_gpus, const PerfCalibration& c) {
  KvTransferLink out;
  out.nvlink = total_gpus <= ScaleUpDomain(g) && g.scale_up_bandwidth.v > 0;
  const BytesPerSec per_gpu = out.nvlink ? g.scale_up_bandwidth : ScaleOutLink(g);
  out.bandwidth = per_gpu * (std::max(1, worker_gpus) * c.comm_efficiency);
  return out;
}

double EplbSkew(double skew, const Parallelism& p) {
  if (p.eplb_redundant <= 0 || p.ep <= 1) return skew;
  return skew * p.ep / (p.ep + static_cast<double>(p.eplb_redundant));
}

}  // namespace capplan
