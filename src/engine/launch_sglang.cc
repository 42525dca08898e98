// SGLang (`python -m sglang.launch_server`): flags from its server arguments (0.5). --ep-size may be smaller than
// --tp (the experts are then also tensor-split tp/ep ways), as capplan's layouts allow.
#include <fmt/format.h>

#include <algorithm>

#include "engine/writers.h"

namespace capplan::engine_detail {

void WriteSglang(const LaunchRequest& r, LaunchCommand& out) {
  const Deployment& d = r.deployment;
  const ResolvedCheckpoint c = ResolveCheckpoint(r, /*engine_quantizes_fp8=*/true, out);
  out.checkpoint = c.repo;
  // --tp counts every GPU of a stage; --dp with --enable-dp-attention splits attention into data-parallel ranks.
  const int dp = std::max(1, d.parallel.dp_attention);
  std::string s =
      fmt::format("python -m sglang.launch_server --model-path {} --tp {}", c.repo, d.parallel.GpusPerStage());
  if (dp > 1) s += fmt::format(" --dp {} --enable-dp-attention", dp);
  if (d.parallel.pp > 1) s += fmt::format(" --pp-size {}", d.parallel.pp);
  if (d.parallel.ep > 1) s += fmt::format(" --ep-size {}", d.parallel.ep);
  if (d.parallel.eplb_redundant > 0)
    s += fmt::format(" --enable-eplb --ep-num-redundant-experts {}", d.parallel.eplb_redundant);
  s += fmt::format(" --context-length {} --max-running-requests {}", r.max_model_len, r.max_num_seqs);
  if (d.kv_dtype == DType::kFP8) s += " --kv-cache-dtype fp8_e4m3";
  if (c.online_fp8) s += " --quantization fp8";
  s += fmt::format(" --mem-fraction-static {:.2f}", d.engine.memory_fraction);
  // SGLang runs a model's MTP layers as its EAGLE draft: K steps of one token (top-k 1), K + 1 tokens verified.
  if (r.spec)
    s += fmt::format(
        " --speculative-algorithm EAGLE --speculative-num-steps {} --speculative-eagle-topk 1 "
        "--speculative-num-draft-tokens {}",
        r.spec->tokens, r.spec->tokens + 1);
  out.command = s;
}

// The disaggregated form (launch_disagg.cc has the flags' sources and the parts every engine shares).
void DisaggregateSglang(const DisaggLaunch& pd, LaunchCommand& out) {
  const int p = pd.prefill_workers, d = pd.decode_workers;
  const LaunchCommand &prefill = pd.prefill, &decode = pd.decode;
  // Mooncake is SGLang's default transfer engine; NIXL is the other documented backend.
  const std::string backend = " --disaggregation-transfer-backend mooncake";
  out.processes.push_back(DisaggProcess(
      "prefill", p,
      fmt::format("{} --disaggregation-mode prefill{} --host 0.0.0.0 --port 30000", prefill.command, backend)));
  out.processes.push_back(DisaggProcess(
      "decode", d,
      fmt::format("{} --disaggregation-mode decode{} --host 0.0.0.0 --port 30001", decode.command, backend)));
  std::string router = "python -m sglang_router.launch_router --pd-disaggregation";
  for (int i = 0; i < p; ++i) router += fmt::format(" --prefill http://{}:30000", DisaggHost("prefill", i));
  for (int i = 0; i < d; ++i) router += fmt::format(" --decode http://{}:30001", DisaggHost("decode", i));
  router += " --host 0.0.0.0 --port 8000";
  out.processes.push_back(DisaggProcess("router", 1, router));
  if (!pd.request.disagg->nvlink)
    out.notes.push_back(
        "the KV crosses the scale-out network: give each worker its RDMA NICs with --disaggregation-ib-device "
        "(e.g. mlx5_0,mlx5_1)");
}

}  // namespace capplan::engine_detail
