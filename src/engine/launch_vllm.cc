// vLLM (`vllm serve`, V1 engine): flags from `vllm serve --help` (0.19). Expert parallelism in vLLM spans every
// TP x DP rank (--enable-expert-parallel), so an EP smaller than TP is not expressible there: said in a note.
#include <fmt/format.h>

#include <algorithm>

#include "engine/writers.h"

namespace capplan::engine_detail {

void WriteVllm(const LaunchRequest& r, LaunchCommand& out) {
  const Deployment& d = r.deployment;
  const ResolvedCheckpoint c = ResolveCheckpoint(r, /*engine_quantizes_fp8=*/true, out);
  out.checkpoint = c.repo;
  std::string s = fmt::format("vllm serve {} --tensor-parallel-size {}", c.repo, d.parallel.tp);
  // Attention data parallelism is --data-parallel-size; --max-num-seqs is then per DP rank.
  const int dp = std::max(1, d.parallel.dp_attention);
  if (dp > 1) s += fmt::format(" --data-parallel-size {}", dp);
  if (d.parallel.pp > 1) s += fmt::format(" --pipeline-parallel-size {}", d.parallel.pp);
  if (d.parallel.ep > 1) {
    s += " --enable-expert-parallel";
    if (d.parallel.ep != d.parallel.GpusPerStage())
      out.notes.push_back(fmt::format(
          "vLLM's expert parallelism spans all {} TP x DP ranks (EP = TP x DP), not the planned EP {}: the expert "
          "layout differs from the plan's",
          d.parallel.GpusPerStage(), d.parallel.ep));
  }
  if (d.parallel.eplb_redundant > 0)
    out.notes.push_back(
        fmt::format("the plan assumes {} redundant experts per MoE layer (EPLB): turn on vLLM's "
                    "--enable-eplb with that many redundant experts (its EPLB config)",
                    d.parallel.eplb_redundant));
  s += fmt::format(" --max-model-len {} --max-num-seqs {}", r.max_model_len, (r.max_num_seqs + dp - 1) / dp);
  if (d.kv_dtype == DType::kFP8) s += " --kv-cache-dtype fp8";
  if (c.online_fp8) s += " --quantization fp8";
  s += fmt::format(" --gpu-memory-utilization {:.2f}", d.engine.memory_fraction);
  // vLLM 0.11 names every model's own MTP layers "mtp" (older releases: deepseek_mtp for DeepSeek).
  if (r.spec)
    s += fmt::format(R"( --speculative-config '{{"method":"mtp","num_speculative_tokens":{}}}')", r.spec->tokens);
  out.command = s;
}

}  // namespace capplan::engine_detail
