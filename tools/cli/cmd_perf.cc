// `capplan perf`: step times, TTFT, TPOT and throughput of a deployment from the roofline model.
#include <fmt/format.h>

#include <iostream>

#include "capplan/perf.h"
#include "cli_util.h"
#include "commands.h"
#include "deployment_flags.h"

namespace capplan::cli {
namespace {

struct PerfOptions {
  std::string model = "llama-4-scout";
  DeploymentFlags deployment;
  int64_t input = 1000;
  int64_t output = 500;
  int batch = 16;
  bool batch_sweep = false;
  bool json = false;
};

nlohmann::json StepJson(const StepBreakdown& s) {
  return {{"step_seconds", s.total.v},        {"compute_seconds", s.compute.v},
          {"memory_seconds", s.memory.v},     {"communication_seconds", s.communication.v},
          {"overhead_seconds", s.overhead.v}, {"bound", BoundName(s.bound)},
          {"bytes_read_per_gpu", s.bytes_read.v}, {"flops_per_gpu", s.flops.v},
          {"distinct_experts_per_moe_layer", s.distinct_experts}};
}

int RunPerf(const PerfOptions& o) {
  auto m = LoadModel(o.model);
  if (!m.ok()) return ReportError(m.error());
  auto d = BuildDeployment(*m, o.deployment);
  if (!d.ok()) return ReportError(d.error());
  auto p = PredictPerformance(*m, *d, PerfQuery{.input_tokens = o.input, .output_tokens = o.output, .batch = o.batch});
  if (!p.ok()) return ReportError(p.error());

  if (o.json) {
    nlohmann::json j;
    j["model"] = m->name;
    j["gpu"] = d->gpu.id;
    j["gpu_count"] = d->parallel.TotalGpus();
    j["layout"] = {{"tp", d->parallel.tp}, {"ep", d->parallel.ep}, {"pp", d->parallel.pp}, {"replicas", d->parallel.replicas}};
    j["weights_dtype"] = PrecisionName(d->weights);
    j["kv_dtype"] = DTypeName(d->kv_dtype);
    j["input_tokens"] = o.input;
    j["output_tokens"] = o.output;
    j["batch"] = o.batch;
    j["decode"] = StepJson(p->decode);
    j["decode"]["tokens_per_second"] = p->decode_tokens_per_second;
    j["decode"]["tpot_seconds"] = p->tpot.v;
    j["prefill"] = {{"ttft_seconds", p->ttft.v}, {"input_tokens", o.input}};
    j["bound"] = BoundName(p->bound);
    j["max_load"] = {{"output_tokens_per_second", p->max_load.output_tokens_per_second},
                     {"requests_per_second", p->max_load.requests_per_second},
                     {"concurrency", p->max_load.concurrency},
                     {"concurrency_limit", p->max_load.concurrency_limit},
                     {"step_seconds", p->max_load.step.v}};
    j["dense_comparison"] = {{"dense_total_tokens_per_second", p->dense_total_tokens_per_second},
                             {"dense_active_tokens_per_second", p->dense_active_tokens_per_second},
                             {"moe_tokens_per_second", p->decode_tokens_per_second}};
    nlohmann::json curve = nlohmann::json::array();
    for (const auto& c : p->curve)
      curve.push_back({{"batch", c.batch}, {"step_seconds", c.step.v}, {"tokens_per_second", c.tokens_per_second},
                       {"bound", BoundName(c.bound)}, {"distinct_experts_per_moe_layer", c.distinct_experts}});
    j["curve"] = curve;
    PrintJson(j);
    return 0;
  }

  fmt::print("{} on {} x {} ({}), weights {}, KV {}\n", m->name, d->parallel.TotalGpus(), d->gpu.name,
             LayoutName(d->parallel), PrecisionName(d->weights), DTypeName(d->kv_dtype));
  fmt::print("workload: {} input + {} output tokens; decode point at batch {} per replica\n\n", o.input, o.output, o.batch);
  fmt::print("  TTFT (one {}-token prompt, idle)   {}\n", o.input, FormatSeconds(p->ttft));
  fmt::print("  TPOT at batch {:<5}               {}  ({}-bound)\n", o.batch, FormatSeconds(p->tpot), BoundName(p->bound));
  fmt::print("  decode throughput at batch {:<5}  {:.0f} output tok/s\n", o.batch, p->decode_tokens_per_second);
  if (p->decode.distinct_experts > 0)
    fmt::print("  experts read per MoE layer         {:.1f} (busiest rank) at batch {}\n", p->decode.distinct_experts, o.batch);
  fmt::print("  max-load throughput                {:.0f} output tok/s, {:.2f} req/s (concurrency {} per replica, limited by {})\n",
             p->max_load.output_tokens_per_second, p->max_load.requests_per_second, p->max_load.concurrency,
             p->max_load.concurrency_limit);
  fmt::print("\nWhat other sizing rules would predict at batch {}:\n", o.batch);
  fmt::print("  dense model of the total size      {:.0f} tok/s\n", p->dense_total_tokens_per_second);
  fmt::print("  dense model of the active size     {:.0f} tok/s  (assumes only k experts are read: optimistic)\n",
             p->dense_active_tokens_per_second);
  fmt::print("  capplan (distinct experts)         {:.0f} tok/s\n", p->decode_tokens_per_second);
  if (o.batch_sweep) {
    fmt::print("\n  {:>6}  {:>10}  {:>14}  {:>8}  {:>8}\n", "batch", "step", "tok/s (total)", "bound", "experts");
    for (const auto& c : p->curve)
      fmt::print("  {:>6}  {:>10}  {:>14.0f}  {:>8}  {:>8.1f}\n", c.batch, FormatSeconds(c.step), c.tokens_per_second,
                 BoundName(c.bound), c.distinct_experts);
  }
  return 0;
}

}  // namespace

void RegisterPerf(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<PerfOptions>();
  CLI::App* cmd = app.add_subcommand("perf", "Predict TTFT, TPOT and throughput (MoE-aware roofline)");
  cmd->add_option("model", opt->model, "preset name or path to a config.json")->capture_default_str();
  AddDeploymentFlags(*cmd, opt->deployment);
  cmd->add_option("--input", opt->input, "input tokens per request")->capture_default_str();
  cmd->add_option("--output", opt->output, "output tokens per request")->capture_default_str();
  cmd->add_option("--batch", opt->batch, "concurrent sequences per replica for the decode point")->capture_default_str();
  cmd->add_flag("--batch-sweep", opt->batch_sweep, "print the decode curve over batch sizes");
  cmd->add_flag("--json", opt->json, "machine-readable output");
  cmd->callback([opt, &exit_code] { exit_code = RunPerf(*opt); });
}

}  // namespace capplan::cli
