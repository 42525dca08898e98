// `capplan perf`: step times, TTFT, TPOT and throughput of a deployment from the roofline model.
#include <fmt/format.h>

#include <iostream>

#include "capplan/perf.h"
#include "cli_util.h"
#include "commands.h"
#include "deployment_flags.h"
#include "disagg_flags.h"
#include "spec_flags.h"
#include "encode_results.h"

namespace capplan::cli {
namespace {

struct PerfOptions {
  std::string model = "llama-4-scout";
  DeploymentFlags deployment;
  SpecFlags spec;
  DisaggFlags disagg;
  int64_t input = 1000;
  int64_t output = 500;
  int batch = 16;
  bool batch_sweep = false;
  bool json = false;
};

int RunPerf(const PerfOptions& o) {
  auto m = LoadModel(o.model);
  if (!m.ok()) return ReportError(m.error());
  if (o.disagg.Any()) return PrintDisaggregatedPerf(*m, o.deployment, o.disagg, o.input, o.output, o.batch);
  auto d = BuildDeployment(*m, o.deployment);
  if (!d.ok()) return ReportError(d.error());
  auto p = PredictPerformance(*m, *d, PerfQuery{.input_tokens = o.input, .output_tokens = o.output, .batch = o.batch});
  if (!p.ok()) return ReportError(p.error());

  if (o.json) {
    PrintJson(json::EncodePerf(*m, *d, PerfQuery{.input_tokens = o.input, .output_tokens = o.output, .batch = o.batch}, *p));
    return 0;
  }

  fmt::print("{} on {} x {} ({}), weights {}, KV {}\n", m->name, d->parallel.TotalGpus(), d->gpu.name,
             LayoutName(d->parallel), json::PrecisionName(d->weights), DTypeName(d->kv_dtype));
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
  if (o.spec.method) return PrintSpeculative(*m, *d, o.spec, o.input + o.output / 2, p->max_load.concurrency);
  return 0;
}

}  // namespace

void RegisterPerf(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<PerfOptions>();
  CLI::App* cmd = app.add_subcommand("perf", "Predict TTFT, TPOT and throughput (MoE-aware roofline)");
  cmd->add_option("model", opt->model, "preset name or path to a config.json")->capture_default_str();
  AddDeploymentFlags(*cmd, opt->deployment);
  AddSpecFlags(*cmd, opt->spec);
  AddDisaggFlags(*cmd, opt->disagg);
  cmd->add_option("--input", opt->input, "input tokens per request")->capture_default_str();
  cmd->add_option("--output", opt->output, "output tokens per request")->capture_default_str();
  cmd->add_option("--batch", opt->batch, "concurrent sequences per replica for the decode point")->capture_default_str();
  cmd->add_flag("--batch-sweep", opt->batch_sweep, "print the decode curve over batch sizes");
  cmd->add_flag("--json", opt->json, "machine-readable output");
  cmd->callback([opt, &exit_code] { exit_code = RunPerf(*opt); });
}

}  // namespace capplan::cli
