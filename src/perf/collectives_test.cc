// Communication per layout, counted once and priced on the links it crosses (docs/scale.md).
// Hand arithmetic with an ideal link (comm_efficiency 1, no latency) so the figures are exact.
#include "perf/collectives.h"

#include <gtest/gtest.h>

namespace capplan {
namespace {

const GpuSpec& Gpu(std::string_view id) {
  static std::map<std::string, GpuSpec, std::less<>> cache;
  auto it = cache.find(id);
  if (it == cache.end()) it = cache.emplace(std::string(id), *GpuCatalog::BuiltIn().Find(id)).first;
  return it->second;
}

PerfCalibration IdealLinks() {
  PerfCalibration c;
  c.comm_efficiency = 1.0;
  c.collective_latency = Seconds{0};
  return c;
}

const ModelSpec& DeepSeek() {
  static const ModelSpec m = *LoadModel("deepseek-v3");
  return m;
}

const LayerSpec& MoeLayer() { return DeepSeek().layers.back(); }     // 256 experts, top-8
const LayerSpec& DenseLayer() { return DeepSeek().layers.front(); }  // first_k_dense_replace

TEST(Collectives, TensorParallelAllReduceOnlyWhenTpAboveOne) {
  const PerfCalibration c = IdealLinks();
  // TP 8 on H200 NVLink (450 GB/s per direction): two ring all-reduces of 1,024 x 7,168 x 2 B =
  // 14,680,064 B, each moving 2 x 7/8 of it: 2 x 25,690,112 B / 450e9 B/s = 114.18 us.
  const LayerCommunication tp8 = LayerCommunicationOf(DeepSeek(), DenseLayer(), {.tp = 8}, Gpu("h200"), c, 1024);
  EXPECT_NEAR(tp8.tp_all_reduce.v, 2 * 25'690'112 / 450e9, 1e-12);
  EXPECT_EQ(tp8.dispatch_combine, Seconds{0});
  EXPECT_EQ(tp8.dp_gather_scatter, Seconds{0});
  // Attention DP with T = 1: no all-reduce at all, on dense and MoE layers alike.
  const Parallelism dp8{.tp = 1, .ep = 8, .dp_attention = 8};
  EXPECT_EQ(LayerCommunicationOf(DeepSeek(), DenseLayer(), dp8, Gpu("h200"), c, 1024).Total(), Seconds{0});
  EXPECT_EQ(LayerCommunicationOf(DeepSeek(), MoeLayer(), dp8, Gpu("h200"), c, 1024).tp_all_reduce, Seconds{0});
}

TEST(Collectives, DispatchAndCombineOnlyWhenEpAboveOne) {
  const PerfCalibration c = IdealLinks();
  // DP 8 x EP 8 on one HGX H200: each GPU sends its 128 tokens to 8 experts, 7/8 of them remote:
  // 128 x 8 x 7,168 x 2 B x 7/8 = 12,845,056 B, twice (dispatch, combine), over NVLink.
  const LayerCommunication dp8 =
      LayerCommunicationOf(DeepSeek(), MoeLayer(), {.tp = 1, .ep = 8, .dp_attention = 8}, Gpu("h200"), c, 1024);
  EXPECT_NEAR(dp8.dispatch_combine.v, 2 * 12'845'056 / 450e9, 1e-12);
  // TP 8 with TP-sharded experts (E = 1): the all-reduce covers the MoE output, nothing else.
  const LayerCommunication tp8 = LayerCommunicationOf(DeepSeek(), MoeLayer(), {.tp = 8}, Gpu("h200"), c, 1024);
  EXPECT_EQ(tp8.dispatch_combine, Seconds{0});
  EXPECT_GT(tp8.tp_all_reduce, Seconds{0});
  // A = 8 with E = 1: experts sharded over all 8 GPUs need every rank's tokens: all-gather and
  // reduce-scatter of 14,680,064 B, 7/8 of it per GPU each.
  const LayerCommunication gather =
      LayerCommunicationOf(DeepSeek(), MoeLayer(), {.tp = 1, .ep = 1, .dp_attention = 8}, Gpu("h200"), c, 1024);
  EXPECT_NEAR(gather.dp_gather_scatter.v, 2 * 14'680'064 * 7.0 / 8 / 450e9, 1e-12);
  EXPECT_EQ(gather.dispatch_combine, Seconds{0});
}

TEST(Collectives, WideExpertParallelCrossesTheNetworkOutsideAnNvlinkDomain) {
  const PerfCalibration c = IdealLinks();
  const Parallelism ep32{.tp = 1, .ep = 32, .dp_attention = 32};
  // 4 HGX H200 nodes: of a GPU's 31 peers 7 are on its NVLink, 24 across the 50 GB/s network.
  // 4,096 tokens: 128 per GPU x 8 x 7,168 x 2 x 31/32 = 14,221,312 B per GPU; 24/31 of it over the
  // network: 11,010,048 B / 50e9 = 220.2 us each way (the NVLink part, 3.2 MB at 450 GB/s, overlaps).
  const LayerCommunication hgx = LayerCommunicationOf(DeepSeek(), MoeLayer(), ep32, Gpu("h200"), c, 4096);
  EXPECT_NEAR(hgx.dispatch_combine.v, 2 * 14'221'312.0 * 24 / 31 / 50e9, 1e-12);
  // The same 32 GPUs inside a GB200 NVL72 domain stay on NVLink (900 GB/s): 2 x 14,221,312 / 900e9.
  const LayerCommunication nvl = LayerCommunicationOf(DeepSeek(), MoeLayer(), ep32, Gpu("gb200"), c, 4096);
  EXPECT_NEAR(nvl.dispatch_combine.v, 2 * 14'221'312.0 / 900e9, 1e-12);
  EXPECT_GT(hgx.dispatch_combine.v, 10 * nvl.dispatch_combine.v);
}

TEST(Collectives, GroupLinkAndDomains) {
  EXPECT_EQ(ScaleUpDomain(Gpu("h200")), 8);
  EXPECT_EQ(ScaleUpDomain(Gpu("gb300")), 72);
  EXPECT_EQ(GroupLink(Gpu("h200"), 8), GBps(450));
  EXPECT_EQ(GroupLink(Gpu("h200"), 16), GBps(50));
  EXPECT_EQ(GroupLink(Gpu("gb200"), 72), GBps(900));
  EXPECT_EQ(GroupLink(Gpu("l40s"), 4), Gpu("l40s").pcie_bandwidth);  // no NVLink: PCIe
}

TEST(Collectives, KvTransferOnNvlinkInsideTheDomainRdmaAcross) {
  const PerfCalibration c = IdealLinks();
  // 1P (8 GPUs) + 1D (8 GPUs) on HGX H200: 16 GPUs span two nodes, so RDMA: 8 x 50 GB/s.
  const KvTransferLink hgx = KvTransferLinkOf(Gpu("h200"), 8, 16, c);
  EXPECT_FALSE(hgx.nvlink);
  EXPECT_EQ(hgx.bandwidth, GBps(400));
  // The same pools inside one GB200 NVL72 domain: NVLink, 8 x 900 GB/s.
  const KvTransferLink nvl = KvTransferLinkOf(Gpu("gb200"), 8, 16, c);
  EXPECT_TRUE(nvl.nvlink);
  EXPECT_EQ(nvl.bandwidth, GBps(7200));
  // 80 GPUs exceed the 72-GPU domain: back to the network.
  EXPECT_FALSE(KvTransferLinkOf(Gpu("gb200"), 8, 80, c).nvlink);
}

TEST(Collectives, RedundantExpertsShrinkTheSkew) {
  EXPECT_DOUBLE_EQ(EplbSkew(0.2, {.tp = 1, .ep = 8, .dp_attention = 8}), 0.2);
  EXPECT_DOUBLE_EQ(EplbSkew(0.2, {.tp = 1, .ep = 8, .dp_attention = 8, .eplb_redundant = 8}), 0.1);
  EXPECT_DOUBLE_EQ(EplbSkew(0.2, {.tp = 1, .ep = 8, .dp_attention = 8, .eplb_redundant = 24}), 0.05);
}

TEST(Collectives, AttentionDataParallelStepReadsEachRanksOwnKv) {
  // DeepSeek-V3 decode on 8x H200: with DP 8 a 1,024-sequence step reads 128 sequences' latent
  // per GPU; with TP 8 every GPU reads all 1,024. The DP step is faster although each GPU reads
  // the whole attention weights.
  const ModelSpec& m = DeepSeek();
  Deployment tp{.gpu = Gpu("h200"),
                .parallel = {.tp = 8, .ep = 8},
                .weights = NativeWeightPrecision(m),
                .engine = DefaultEngineProfile(Engine::kSglang)};
  Deployment dp = tp;
  dp.parallel = {.tp = 1, .ep = 8, .dp_attention = 8};
  const PerfCalibration c = CalibrationFor(tp.gpu);
  const BatchShape step = DecodeShape(1024, 3072);
  const StepBreakdown a = RooflineStepTimeModel(m, tp, c).Breakdown(step);
  const StepBreakdown b = RooflineStepTimeModel(m, dp, c).Breakdown(step);
  // KV read: 1,024 x 3,072 tokens x 70,272 B = 221 GB per GPU under TP 8, 1/8 of it (27.6 GB)
  // under DP 8. Both read all 32 local experts (81.7 GB); DP 8 also the whole attention, dense
  // MLPs, shared experts and LM head (16.4 GB more than TP 8's shards).
  EXPECT_GT(a.bytes_read.v, 221e9);
  EXPECT_NEAR(a.bytes_read.v - b.bytes_read.v, 221e9 * 7 / 8 - 16.4e9, 3e9);
  // The roofline puts the TP 8 step at 108 ms and the DP 8 step at 60 ms on the H200 calibration.
  EXPECT_LT(b.total, a.total);
}

}  // namespace
}  // namespace capplan
