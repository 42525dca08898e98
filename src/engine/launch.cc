// Launch-command dispatch and the checkpoint resolution every engine's writer shares.
#include "capplan/launch.h"

#include <fmt/format.h>

#include <vector>

#include "engine/writers.h"

namespace capplan {
namespace engine_detail {
namespace {

// How a user gets weights into a format no catalog checkpoint holds.
std::string QuantizeFirstAdvice(const std::string& format) {
  if (format == "fp8")
    return "quantize it to FP8 first (TensorRT Model Optimizer: hf_ptq.py --qformat fp8, or llm-compressor's FP8 "
           "scheme) and serve the output directory";
  if (format == "nvfp4")
    return "quantize it to NVFP4 first (TensorRT Model Optimizer: hf_ptq.py --qformat nvfp4) and serve the output "
           "directory";
  if (format == "int4")
    return "quantize it to INT4 first (llm-compressor's W4A16 GPTQ scheme, or AutoAWQ) and serve the output directory";
  return fmt::format("convert it to {} first and serve the output directory", format);
}

}  // namespace

ResolvedCheckpoint ResolveCheckpoint(const LaunchRequest& r, bool engine_quantizes_fp8, LaunchCommand& out) {
  ResolvedCheckpoint c;
  c.format = WeightFormatName(r.deployment.weights);
  const bool known_id = !r.hf_id.empty();
  const std::string id = known_id ? r.hf_id : "<model-repo-or-dir>";
  if (!known_id)
    out.notes.push_back(
        "the model's repository is unknown (the config has no _name_or_path): replace <model-repo-or-dir> with its "
        "Hugging Face id or local directory, or give --hf-id");
  if (c.format == "bf16") {
    c.repo = id;
    return c;
  }
  if (const Checkpoint* k = known_id ? FindCheckpoint(r.hf_id, c.format) : nullptr) {
    c.repo = k->repo;
    if (k->repo != r.hf_id)
      out.notes.push_back(fmt::format("serves the {} checkpoint {} ({})", c.format, k->repo, k->source));
    return c;
  }
  if (c.format == "fp8" && engine_quantizes_fp8) {
    c.repo = id;
    c.online_fp8 = true;
    out.notes.push_back(fmt::format(
        "no pre-quantized FP8 checkpoint of {} is in capplan's catalog: the engine quantizes the 16-bit weights to FP8 "
        "as it loads them (dynamic scales)",
        id));
    return c;
  }
  c.placeholder = true;
  c.repo = fmt::format("<{}-checkpoint-of-{}>", c.format, id);
  out.notes.push_back(fmt::format("no pre-quantized {} checkpoint of {} is in capplan's catalog: {}", c.format, id,
                                  QuantizeFirstAdvice(c.format)));
  return c;
}

}  // namespace engine_detail

namespace {

LaunchCommand WriteOne(Engine engine, const LaunchRequest& req) {
  LaunchCommand out;
  out.engine = engine;
  engine_detail::WriterOf(engine).write(req, out);
  return out;
}

// A disaggregated deployment: the engine's writer for each pool, then the roles, connector and router.
Result<LaunchCommand> WriteDisaggregatedFor(Engine engine, const LaunchRequest& r) {
  if (r.disagg->prefill_max_num_seqs < 1)
    return Error::InvalidArgument(
        fmt::format("prefill_max_num_seqs={} must be at least 1 sequence", r.disagg->prefill_max_num_seqs),
        "prefill_max_num_seqs");
  LaunchRequest decode = r;
  decode.disagg.reset();
  decode.deployment.parallel.replicas = 1;
  if (decode.deployment.engine.engine != engine) decode.deployment.engine = DefaultEngineProfile(engine);
  LaunchRequest prefill = decode;
  prefill.deployment = r.disagg->prefill;
  prefill.deployment.parallel.replicas = 1;
  if (prefill.deployment.engine.engine != engine) prefill.deployment.engine = DefaultEngineProfile(engine);
  prefill.max_num_seqs = r.disagg->prefill_max_num_seqs;
  LaunchCommand out;
  out.engine = engine;
  engine_detail::WriteDisaggregated(r, WriteOne(engine, prefill), WriteOne(engine, decode), out);
  return out;
}

}  // namespace

Result<LaunchCommand> WriteLaunchCommandFor(Engine engine, const LaunchRequest& r) {
  if (r.max_model_len < 1)
    return Error::InvalidArgument(fmt::format("max_model_len={} must be at least 1 token", r.max_model_len),
                                  "max_model_len");
  if (r.max_num_seqs < 1)
    return Error::InvalidArgument(fmt::format("max_num_seqs={} must be at least 1 sequence", r.max_num_seqs),
                                  "max_num_seqs");
  if (r.disagg) return WriteDisaggregatedFor(engine, r);
  LaunchRequest req = r;
  if (req.deployment.engine.engine != engine) req.deployment.engine = DefaultEngineProfile(engine);
  LaunchCommand out = WriteOne(engine, req);
  if (req.deployment.parallel.replicas > 1)
    out.notes.push_back(fmt::format("run {} such replicas (one command each, on their own GPUs) behind a load balancer",
                                    req.deployment.parallel.replicas));
  return out;
}

Result<LaunchCommand> WriteLaunchCommand(const LaunchRequest& r) {
  return WriteLaunchCommandFor(r.deployment.engine.engine, r);
}

Result<std::vector<LaunchCommand>> WriteLaunchCommandsAllEngines(const LaunchRequest& r) {
  std::vector<LaunchCommand> out;
  const Engine own = r.deployment.engine.engine;
  std::vector<Engine> order{own};
  for (const Engine e : AllEngines())
    if (e != own) order.push_back(e);
  for (const Engine e : order) {
    auto c = WriteLaunchCommandFor(e, r);
    if (!c.ok()) return c.error();
    out.push_back(std::move(*c));
  }
  return out;
}

}  // namespace capplan
