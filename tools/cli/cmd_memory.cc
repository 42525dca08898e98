// `capplan memory`: the per-GPU memory budget of one deployment: does it fit, with how much KV room.
#include <fmt/format.h>

#include "capplan/memory.h"
#include "cli_util.h"
#include "commands.h"
#include "deployment_flags.h"
#include "encode.h"

namespace capplan::cli {
namespace {

struct MemoryOptions {
  std::string model;
  DeploymentFlags deployment;
  int64_t context = 8192;
  int batch = 1;
  bool json = false;
};

void PrintText(const ModelSpec& m, const Deployment& d, const std::string& weights, const MemoryBudget& b) {
  const Parallelism& p = d.parallel;
  fmt::print("{} on {}x {} (tp {}, {}ep {}, pp {}, {} replica{}), {}, weights {}, KV {}\n", m.name, p.TotalGpus(),
             d.gpu.id, p.tp, p.dp_attention > 1 ? fmt::format("dp-attention {}, ", p.dp_attention) : "", p.ep, p.pp,
             p.replicas, p.replicas > 1 ? "s" : "", EngineName(d.engine.engine), weights, DTypeName(d.kv_dtype));
  fmt::print("Per GPU{}:\n", p.pp > 1 ? fmt::format(" (pipeline stage {} of {})", b.busiest_stage, p.pp) : "");
  fmt::print("  capacity     {:>10}  ({} usable{})\n", FormatBytes(b.capacity), FormatBytes(d.gpu.memory_usable),
             d.engine.fraction_of_free ? "" : fmt::format(" x {:.2f}", d.engine.memory_fraction));
  fmt::print("  weights      {:>10}\n", FormatBytes(b.weights_total));
  const WeightBytes& w = b.weights;
  for (auto [name, bytes] : {std::pair{"attention", w.attention},
                             {"dense MLP", w.dense_mlp},
                             {"routed experts", w.routed_experts},
                             {"shared experts", w.shared_experts},
                             {"router", w.router},
                             {"norms", w.norms},
                             {"embedding", w.embedding},
                             {"LM head", w.lm_head},
                             {"vision", w.vision}}) {
    if (bytes.v > 0) fmt::print("    {:<16} {:>10}\n", name, FormatBytes(bytes));
  }
  fmt::print("  activations  {:>10}  (largest prefill chunk: {} tokens)\n", FormatBytes(b.activations),
             d.engine.max_num_batched_tokens);
  fmt::print("  overhead     {:>10}  (CUDA graphs, context, NCCL)\n", FormatBytes(b.overhead));
  fmt::print("  KV pool      {:>10}\n", FormatBytes(b.kv_cache));
  fmt::print("  free         {:>10}  (after KV for {} x {} tokens)\n", FormatBytes(b.free), b.batch, b.context);
  fmt::print("Fits: {}\n", b.fits ? "yes" : "no: " + b.reason);
  fmt::print("KV per sequence of {} tokens: {} per GPU; the pool holds {} sequences ({} tokens)\n", b.context,
             FormatBytes(b.kv_bytes_per_sequence), b.max_concurrent_sequences, b.kv_tokens);
  if (b.state_bytes_per_sequence.v > 0)
    fmt::print("  of which KV (grows with context) {}, recurrent state (constant) {}\n",
               FormatBytes(b.kv_bytes_per_sequence - b.state_bytes_per_sequence),
               FormatBytes(b.state_bytes_per_sequence));
  fmt::print("Longest context at batch {}: {} tokens; longest single sequence: {} tokens\n", b.batch,
             b.max_context_at_batch, b.max_single_sequence);
  for (const auto& warn : b.warnings) fmt::print("warning [{}]: {}\n", warn.code, warn.message);
  for (const auto& l : m.limitations) fmt::print("note: {}\n", l);
}

int Run(const MemoryOptions& opt) {
  auto model = LoadModel(opt.model);
  if (!model.ok()) return ReportError(model.error());
  const ModelSpec& m = *model;
  auto deployment = BuildDeployment(m, opt.deployment);
  if (!deployment.ok()) return ReportError(deployment.error());
  const Deployment& d = *deployment;
  auto budget = ComputeMemoryBudget(m, d, {.context = opt.context, .batch = opt.batch});
  if (!budget.ok()) return ReportError(budget.error());

  const std::string weights_name = WeightsName(m, opt.deployment.weights);
  if (opt.json) {
    PrintJson(json::EncodeMemory(m, d, {.context = opt.context, .batch = opt.batch}, *budget,
                                 IsAutoLayout(opt.deployment), LaunchRepository(m, opt.model)));
  } else {
    PrintText(m, d, weights_name, *budget);
  }
  return 0;
}

}  // namespace

void RegisterMemory(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<MemoryOptions>();
  auto* cmd = app.add_subcommand("memory", "Per-GPU memory budget of a deployment: does it fit, with how much KV room");
  cmd->add_option("model", opt->model, "Preset name (capplan models) or path to a config.json")->required();
  AddDeploymentFlags(*cmd, opt->deployment);
  cmd->add_option("--context", opt->context, "Tokens per sequence (input + output)")->capture_default_str();
  cmd->add_option("--batch", opt->batch, "Concurrent sequences the workload needs")->capture_default_str();
  cmd->add_flag("--json", opt->json, "Print JSON");
  cmd->callback([opt, &exit_code] { exit_code = Run(*opt); });
}

}  // namespace capplan::cli
