// Communication of one layer of one step, per parallel layout, each collective priced on the links
// it crosses: NVLink (or PCIe) inside the scale-up domain, the scale-out network (IB/RoCE per GPU)
// across it. Counted once per layer: TP all-reduces only when T > 1, dispatch and combine only when
// E > 1, the attention-DP all-gather / reduce-scatter only when A > 1 feeds TP-sharded experts.
// Private to the perf module; see docs/scale.md.
#pragma once

#include "capplan/deployment.h"
#include "capplan/hardware.h"
#include "capplan/model.h"
#include "capplan/perf.h"
#include "capplan/units.h"

namespace capplan {

/// How a replica step's tokens land on one GPU under attention data parallelism: each of the A
/// ranks runs attention, dense MLPs and the LM head on its own 1/A of the step; the routed experts
/// see the whole stage's tokens (dispatched to the E expert ranks).
struct RankShare {
  double rank_fraction = 1;  // 1 / A
  int ranks = 1;             // A
};
RankShare RankShareOf(const Parallelism& p);

/// The link a group of `group` GPUs crosses: the scale-up fabric when the group fits in the GPU's
/// scale-up domain (PCIe when the GPU has no NVLink), else the scale-out network per GPU.
BytesPerSec GroupLink(const GpuSpec& g, int group);

/// GPUs one scale-up (NVLink) fabric joins: the catalog's scale_up_domain, else gpus_per_node.
int ScaleUpDomain(const GpuSpec& g);

/// An all-to-all in which each of `group` GPUs sends `bytes_per_gpu` spread evenly over the others:
/// the peers inside the sender's scale-up domain over NVLink, the rest over the network, at once.
Seconds AllToAllTime(Bytes bytes_per_gpu, int group, const GpuSpec& g, const PerfCalibration& c);

/// Ring all-gather (or reduce-scatter) of `total` bytes over `group` GPUs: (n-1)/n of it per GPU.
Seconds AllGatherTime(Bytes total, int group, const GpuSpec& g, const PerfCalibration& c);

struct LayerCommunication {
  Seconds tp_all_reduce;      // attention output and MLP output, over the T GPUs of a rank
  Seconds dispatch_combine;   // MoE layers with E > 1: tokens to their experts' ranks and back
  Seconds dp_gather_scatter;  // MoE layers with A > 1 and E = 1: all-gather before, reduce-scatter after
  Seconds Total() const { return tp_all_reduce + dispatch_combine + dp_gather_scatter; }
};

/// One layer's communication for a replica step of `tokens` tokens (all A ranks together).
LayerCommunication LayerCommunicationOf(const ModelSpec& m, const LayerSpec& l, const Parallelism& p, const GpuSpec& g,
                                        const PerfCalibration& c, double tokens);

/// The link a disaggregated deployment moves KV over, per prefill worker: NVLink when all
/// `total_gpus` of both pools sit in one scale-up domain, else RDMA over the scale-out NIC of each
/// of the worker's `worker_gpus` GPUs (each sends its share at once), at the calibrated efficiency.
struct KvTransferLink {
  BytesPerSec bandwidth;
  bool nvlink = false;
};
KvTransferLink KvTransferLinkOf(const GpuSpec& g, int worker_gpus, int total_gpus, const PerfCalibration& c);

/// Routing skew left after EPLB: `redundant` extra expert copies let the balancer replicate the hot
/// experts. Assumed (not fitted, no measurements isolate it): the excess shrinks by E / (E + N),
/// E ranks and N redundant copies, so N = E (one spare slot per rank) halves it.
double EplbSkew(double skew, const Parallelism& p);

}  // namespace capplan
