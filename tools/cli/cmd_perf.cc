// `capplan perf`: step times, TTFT, TPOT and throughput of a deployment from the roofline model.
#include <fmt/format.h>

#include <iostream>

#include "capplan/perf.h"
#include "cli_util.h"
#include "commands.h"
#include "default_deployment.h"
#include "deployment_flags.h"
#include "disagg_flags.h"
#include "encode_results.h"
#include "error_band_text.h"
#include "spec_flags.h"

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
  int concurrency = 0;
  bool batch_sweep = false;
  bool json = false;
  bool gpus_given = false;
  bool concurrency_given = false;
};

int RunPerf(const PerfOptions& o) {
  auto m = LoadModel(o.model);
  if (!m.ok()) return ReportError(m.error());
  if (o.disagg.Any()) {
    DisaggFlags f = o.disagg;
    if (o.concurrency < 0 || (o.concurrency == 0 && o.concurrency_given))
      return ReportError(Error::InvalidArgument("--concurrency must be at least 1 client", "--concurrency"));
    const std::optional<int> concurrency = o.concurrency_given ? std::optional<int>(o.concurrency) : std::nullopt;
    if (auto merged = MergeConcurrency(f, concurrency); !merged.ok()) return ReportError(merged.error());
    return PrintDisaggregatedPerf(*m, o.deployment, f, o.input, o.output, o.batch);
  }
  auto chosen = DeploymentThatFits(*m, o.deployment, o.gpus_given, o.input + o.output);
  if (!chosen.ok()) return ReportError(chosen.error());
  const Deployment* d = &chosen->deployment;
  if (o.concurrency < 0 || (o.concurrency == 0 && o.concurrency_given))
    return ReportError(Error::InvalidArgument("--concurrency must be at least 1 client", "--concurrency"));
  const PerfQuery q{.input_tokens = o.input, .output_tokens = o.output, .batch = o.batch, .concurrency = o.concurrency};
  auto p = PredictPerformance(*m, *d, q);
  if (!p.ok()) return ReportError(p.error());

  const ErrorBand tpot_band = ErrorBandFor(*d, *m, "tpot");
  const ErrorBand ttft_band = ErrorBandFor(*d, *m, "ttft");
  if (o.json) {
    nlohmann::json j = json::EncodePerf(*m, *d, q, *p);
    j["layout"]["auto"] = IsAutoLayout(o.deployment);
    json::AddErrorBands(*m, *d, j);
    j["deployment_note"] = chosen->note;  // the CLI's own: the GPU count it chose when --gpus was not given
    PrintJson(j);
    return 0;
  }
  if (!chosen->note.empty()) fmt::print("note: {}\n", chosen->note);
  if (!p->note.empty()) fmt::print("note: {}\n", p->note);

  fmt::print("{} on {} x {} ({}), weights {}, KV {}\n", m->name, d->parallel.TotalGpus(), d->gpu.name,
             LayoutName(d->parallel), json::PrecisionName(d->weights), DTypeName(d->kv_dtype));
  const PerfCalibration cal = CalibrationFor(*d);
  fmt::print(
      "engine {}: step constants for {} on {} ({})\n", EngineName(d->engine.engine),
      cal.engine.empty() ? std::string("any engine") : cal.engine, cal.family,
      cal.fitted_on.empty() ? std::string("family prior, fitted on TensorRT-LLM max-load tables") : cal.fitted_on);
  fmt::print("workload: {} input + {} output tokens; decode point at batch {} per replica\n\n", o.input, o.output,
             p->batch);
  fmt::print("  TTFT (one {}-token prompt, idle)   {}\n", o.input, FormatSeconds(p->ttft));
  fmt::print("  TPOT at batch {:<5}               {}  (limited by {})\n", p->batch, FormatSeconds(p->tpot),
             BoundName(p->bound));
  fmt::print("                                     {}\n", BandText(tpot_band, p->tpot));
  fmt::print("  decode throughput at batch {:<5}  {:.0f} output tok/s\n", p->batch, p->decode_tokens_per_second);
  if (p->decode.distinct_experts > 0)
    fmt::print("  experts read per MoE layer         {:.1f} (busiest rank) at batch {}\n", p->decode.distinct_experts,
               p->batch);
  if (p->has_closed_loop) {
    const ClosedLoopPoint& c = p->closed_loop;
    fmt::print("\nClosed loop of {} clients ({} per replica, {} running at once, limited by {}), steady state:\n",
               o.concurrency, c.clients, c.running, c.running_limit);
    fmt::print("  TTFT mean {}  TPOT mean {}  E2E mean {}  queueing {}\n", FormatSeconds(c.ttft), FormatSeconds(c.tpot),
               FormatSeconds(c.e2e), FormatSeconds(c.queueing));
    fmt::print("  TTFT {}\n  TPOT {}\n", BandText(ttft_band, c.ttft), BandText(tpot_band, c.tpot));
    fmt::print("  throughput {:.0f} output tok/s, {:.2f} requests/s; step limited by {}\n", c.output_tokens_per_second,
               c.requests_per_second, BoundName(c.step.bound));
  }
  fmt::print(
      "  max-load throughput                {:.0f} output tok/s, {:.2f} req/s (concurrency {} per replica, limited by "
      "{})\n",
      p->max_load.output_tokens_per_second, p->max_load.requests_per_second, p->max_load.concurrency,
      p->max_load.concurrency_limit);
  fmt::print("\nWhat other sizing rules would predict at batch {}:\n", p->batch);
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
  cmd->add_option("--batch", opt->batch, "concurrent sequences per replica for the decode point")
      ->capture_default_str();
  cmd->add_option("--concurrency", opt->concurrency,
                  "closed-loop clients (whole deployment): steady-state TTFT, TPOT and throughput at that load");
  cmd->add_flag("--batch-sweep", opt->batch_sweep, "print the decode curve over batch sizes");
  cmd->add_flag("--json", opt->json, "machine-readable output");
  cmd->callback([opt, cmd, &exit_code] {
    opt->gpus_given = cmd->count("--gpus") > 0;
    opt->concurrency_given = cmd->count("--concurrency") > 0;
    exit_code = RunPerf(*opt);
  });
}

}  // namespace capplan::cli
