// `capplan simulate`: a deployment serving a request stream, with latency percentiles (discrete-event
// simulation; step times from the roofline model).
#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "capplan/perf.h"
#include "capplan/search.h"
#include "capplan/serve.h"
#include "capplan/sim.h"
#include "cli_util.h"
#include "commands.h"
#include "default_deployment.h"
#include "deployment_flags.h"
#include "disagg_flags.h"
#include "encode_results.h"
#include "error_band_text.h"

namespace capplan::cli {
namespace {

struct SimulateOptions {
  std::string model = "llama-4-scout";
  DeploymentFlags deployment;
  DisaggFlags disagg;
  double rate = 10;
  int64_t input = 1000;
  int64_t output = 500;
  std::optional<double> duration;
  std::optional<int64_t> requests;
  uint64_t seed = 1;
  std::string arrival = "poisson";
  double cv = 2.0;
  std::string lengths = "fixed";
  double sigma = 0.5;
  std::string trace;
  std::string lb = "least-outstanding";
  std::optional<double> slo_ttft, slo_tpot, slo_e2e;
  bool sweep = false;
  std::string requests_csv, timeseries_csv;
  double timeseries_interval = 1.0;
  bool json = false;
  std::optional<int> concurrency;  // closed loop of this many clients instead of --rate arrivals
  bool gpus_given = false;
};

Result<WorkloadSpec> BuildWorkload(const SimulateOptions& o) {
  WorkloadSpec w;
  if (!(o.rate > 0)) return Error::InvalidArgument("--rate must be a positive number of requests per second", "--rate");
  w.rate_per_second = o.rate;
  if (o.arrival == "poisson")
    w.arrival = ArrivalProcess::kPoisson;
  else if (o.arrival == "gamma") {
    w.arrival = ArrivalProcess::kGamma;
    w.gamma_cv = o.cv;
  } else if (o.arrival == "constant")
    w.arrival = ArrivalProcess::kConstant;
  else if (o.arrival == "trace")
    w.arrival = ArrivalProcess::kTrace;
  else
    return Error::InvalidArgument("--arrival: unknown process '" + o.arrival + "' (poisson, gamma, constant, trace)",
                                  "--arrival");
  if (o.input < 1) return Error::InvalidArgument("--input must be at least 1 token", "--input");
  if (o.output < 1) return Error::InvalidArgument("--output must be at least 1 token", "--output");
  if (o.lengths == "fixed") {
    w.input = {.kind = LengthDistribution::kFixed, .value = o.input};
    w.output = {.kind = LengthDistribution::kFixed, .value = o.output};
  } else if (o.lengths == "uniform") {
    w.input = {.kind = LengthDistribution::kUniform, .min = std::max<int64_t>(1, o.input / 2), .max = o.input * 3 / 2};
    w.output = {
        .kind = LengthDistribution::kUniform, .min = std::max<int64_t>(1, o.output / 2), .max = o.output * 3 / 2};
  } else if (o.lengths == "lognormal") {
    w.input = {.kind = LengthDistribution::kLognormal, .mean = static_cast<double>(o.input), .sigma = o.sigma};
    w.output = {.kind = LengthDistribution::kLognormal, .mean = static_cast<double>(o.output), .sigma = o.sigma};
  } else if (o.lengths == "trace") {
    w.input.kind = LengthDistribution::kTrace;
    w.output.kind = LengthDistribution::kTrace;
  } else {
    return Error::InvalidArgument(
        "--lengths: unknown distribution '" + o.lengths + "' (fixed, uniform, lognormal, trace)", "--lengths");
  }
  if (!o.trace.empty()) {
    CAPPLAN_ASSIGN_OR_RETURN(std::string text, ReadInputFile(o.trace, "trace", "--trace"));
    CAPPLAN_ASSIGN_OR_RETURN(w.trace, ParseTrace(text, o.trace));
  } else if (o.arrival == "trace" || o.lengths == "trace") {
    return Error::InvalidArgument("--trace FILE is required with --arrival trace or --lengths trace", "--trace");
  }
  if (o.duration && o.requests) return Error::InvalidArgument("give --duration or --requests, not both", "--duration");
  if (o.duration) {
    if (!(*o.duration > 0)) return Error::InvalidArgument("--duration must be positive (seconds)", "--duration");
    w.duration = Seconds{*o.duration};
  } else if (o.requests) {
    if (*o.requests < 1) return Error::InvalidArgument("--requests must be at least 1", "--requests");
    w.num_requests = *o.requests;
  } else if (o.concurrency) {
    w.num_requests = DefaultClosedLoopRequests(*o.concurrency);
  } else if (w.arrival != ArrivalProcess::kTrace) {
    w.num_requests = 2000;
  }
  return w;
}

void PrintLatencyRow(const char* name, const LatencySummary& l) {
  fmt::print("  {:<15} {:>10} {:>10} {:>10} {:>10} {:>10}\n", name, FormatSeconds(l.mean), FormatSeconds(l.p50),
             FormatSeconds(l.p90), FormatSeconds(l.p95), FormatSeconds(l.p99));
}

int RunSimulate(const SimulateOptions& o) {
  auto m = LoadModel(o.model);
  if (!m.ok()) return ReportError(m.error());
  auto chosen = DeploymentThatFits(*m, o.deployment, o.gpus_given, o.input + o.output);
  if (!chosen.ok()) return ReportError(chosen.error());
  const Deployment* d = &chosen->deployment;
  if (o.concurrency && *o.concurrency < 1)
    return ReportError(Error::InvalidArgument("--concurrency must be at least 1 client", "--concurrency"));
  if (o.concurrency && o.sweep)
    return ReportError(
        Error::InvalidArgument("--sweep varies the arrival rate; it does not combine with --concurrency", "--sweep"));
  if (o.concurrency && o.duration)
    return ReportError(Error::InvalidArgument("a closed loop is bounded by --requests, not --duration", "--duration"));
  auto w = BuildWorkload(o);
  if (!w.ok()) return ReportError(w.error());
  if (o.disagg.Any()) {
    auto requests = GenerateWorkload(*w, o.seed);
    if (!requests.ok()) return ReportError(requests.error());
    DisaggFlags f = o.disagg;
    if (auto merged = MergeConcurrency(f, o.concurrency); !merged.ok()) return ReportError(merged.error());
    return RunDisaggregated(*m, o.deployment, f, *requests, o.input, o.output);
  }
  ServeOptions serve;
  serve.context = o.input + o.output;
  SimConfig& sim = serve.sim;
  if (o.lb == "round-robin")
    sim.load_balancer = LoadBalancer::kRoundRobin;
  else if (o.lb == "least-outstanding")
    sim.load_balancer = LoadBalancer::kLeastOutstandingRequests;
  else
    return ReportError(
        Error::InvalidArgument("--lb: unknown load balancer '" + o.lb + "' (round-robin, least-outstanding)", "--lb"));
  sim.seed = o.seed;
  if (o.slo_ttft) sim.slo.ttft = Seconds{*o.slo_ttft};
  if (o.slo_tpot) sim.slo.tpot = Seconds{*o.slo_tpot};
  if (o.slo_e2e) sim.slo.e2e = Seconds{*o.slo_e2e};
  sim.record_requests = !o.requests_csv.empty();
  if (!o.timeseries_csv.empty()) sim.time_series_interval = Seconds{o.timeseries_interval};
  // The scheduler every simulation of this deployment runs (printed below); SimulateDeployment sets up the same.
  auto setup = SetUpServing(*m, *d, serve);
  if (!setup.ok()) return ReportError(setup.error());
  const SimConfig& cfg = setup->config;

  if (o.sweep) {
    LoadSweepSpec spec;
    spec.workload = *w;
    if (o.slo_ttft) spec.targets.ttft_p95 = Seconds{*o.slo_ttft};
    if (o.slo_tpot) spec.targets.tpot_p95 = Seconds{*o.slo_tpot};
    if (o.slo_e2e) spec.targets.e2e_p95 = Seconds{*o.slo_e2e};
    if (!spec.targets.ttft_p95 && !spec.targets.tpot_p95 && !spec.targets.e2e_p95)
      return ReportError(Error::InvalidArgument(
          "--sweep needs at least one of --slo-ttft-p95, --slo-tpot-p95, --slo-e2e-p95", "--sweep"));
    spec.initial_rate_per_second = o.rate;
    const bool tty = isatty(STDERR_FILENO) && !o.json;
    auto sweep = LoadSweepDeployment(*m, *d, spec, serve, [&](double f) {
      if (tty)
        fmt::print(stderr, "\rload sweep [{:<30}] {:3.0f}%", std::string(static_cast<size_t>(f * 30), '#'), f * 100);
    });
    if (tty) fmt::print(stderr, "\n");
    if (!sweep.ok()) return ReportError(sweep.error());
    if (o.json) {
      nlohmann::json j = json::EncodeLoadSweep(*sweep);
      j.update(json::EncodeDeploymentSummary(*m, *d));
      json::AddErrorBands(*m, *d, j);
      PrintJson(j);
    } else {
      fmt::print("{} on {} x {}: ", m->name, d->parallel.TotalGpus(), d->gpu.name);
      if (sweep->found)
        fmt::print("sustains {:.2f} requests/s within the p95 targets\n", sweep->max_rate_per_second);
      else if (!sweep->unreachable.empty())
        fmt::print("no rate meets the targets: {}\n", sweep->unreachable);
      else
        fmt::print("misses a p95 target even at the lowest rate tried\n");
      for (const auto& p : sweep->points)
        fmt::print("  {:>8.3g} req/s  p95 TTFT {:>9}  p95 TPOT {:>9}  {}\n", p.rate_per_second,
                   FormatSeconds(p.metrics.ttft.p95), FormatSeconds(p.metrics.tpot.p95),
                   p.meets_targets ? "meets" : "misses");
    }
    return 0;
  }

  Result<SimResult> res = Error::InvalidArgument("unreachable");
  if (o.concurrency) {
    auto lengths = GenerateWorkload(*w, cfg.seed, cfg.limits);
    if (!lengths.ok()) return ReportError(lengths.error());
    res = SimulateDeploymentClosedLoop(*m, *d, ClosedLoopSpec{.clients = *o.concurrency}, *lengths, serve);
  } else {
    res = SimulateDeployment(*m, *d, *w, serve);
  }
  if (!res.ok()) return ReportError(res.error());
  const SimMetrics& s = res->metrics;
  if (!o.requests_csv.empty()) {
    std::ofstream f(o.requests_csv);
    if (!f) return ReportError(Error::NotFound(o.requests_csv + ": cannot write the file", "--requests-csv"));
    WriteRequestsCsv(res->requests, f);
  }
  if (!o.timeseries_csv.empty()) {
    std::ofstream f(o.timeseries_csv);
    if (!f) return ReportError(Error::NotFound(o.timeseries_csv + ": cannot write the file", "--timeseries-csv"));
    WriteTimeSeriesCsv(res->time_series, f);
  }
  if (o.json) {
    nlohmann::json j = json::EncodeSimulation(*m, *d, s);
    json::AddErrorBands(*m, *d, j);
    j["deployment_note"] = chosen->note;  // the CLI's own: the GPU count it chose when --gpus was not given
    if (o.concurrency) {
      j["closed_loop"] = {{"concurrency", *o.concurrency},
                          {"requests", *w->num_requests},
                          {"warmup_requests", DefaultWarmupRequests(*o.concurrency)},
                          {"drain_requests", *o.concurrency}};
    }
    PrintJson(j);
    return 0;
  }
  if (!chosen->note.empty()) fmt::print("note: {}\n", chosen->note);
  if (o.concurrency) {
    fmt::print(
        "{} on {} x {} ({}, {}), closed loop of {} clients, {} requests ({} warm-up and {} drain excluded), "
        "{} in / {} out tokens ({})\n",
        m->name, d->parallel.TotalGpus(), d->gpu.name, LayoutName(d->parallel), EngineName(d->engine.engine),
        *o.concurrency, *w->num_requests, DefaultWarmupRequests(*o.concurrency), *o.concurrency, o.input, o.output,
        o.lengths);
  } else {
    fmt::print("{} on {} x {} ({}, {}), {} req/s {} arrivals, {} in / {} out tokens ({})\n", m->name,
               d->parallel.TotalGpus(), d->gpu.name, LayoutName(d->parallel), EngineName(d->engine.engine), o.rate,
               o.arrival, o.input, o.output, o.lengths);
  }
  fmt::print("{} requests completed over {}; KV pool {} tokens per replica, max {} running sequences\n\n",
             s.completed_requests, FormatSeconds(s.window), cfg.scheduler.kv_capacity_tokens,
             cfg.scheduler.max_num_seqs);
  fmt::print("  {:<15} {:>10} {:>10} {:>10} {:>10} {:>10}\n", "metric", "mean", "p50", "p90", "p95", "p99");
  PrintLatencyRow("TTFT", s.ttft);
  PrintLatencyRow("TPOT", s.tpot);
  PrintLatencyRow("ITL", s.itl);
  PrintLatencyRow("E2E", s.e2e);
  PrintLatencyRow("queueing delay", s.queueing_delay);
  fmt::print("\n  mean TTFT {}\n  mean TPOT {}\n", BandText(ErrorBandFor(*d, *m, "ttft"), s.ttft.mean),
             BandText(ErrorBandFor(*d, *m, "tpot"), s.tpot.mean));
  fmt::print("\n  throughput       {:.0f} output tok/s, {:.0f} total tok/s, {:.2f} requests/s\n",
             s.throughput.output_tokens_per_second, s.throughput.total_tokens_per_second,
             s.throughput.requests_per_second);
  if (cfg.slo.ttft || cfg.slo.tpot || cfg.slo.e2e)
    fmt::print("  goodput          {:.2f} requests/s within the SLOs\n", s.goodput_requests_per_second);
  fmt::print("  KV cache         {:.0f}% mean, {:.0f}% max utilisation; {} preemptions\n",
             s.kv_cache_utilization.mean * 100, s.kv_cache_utilization.max * 100, s.preemptions);
  fmt::print("  batch size       mean {:.1f}, p50 {:.0f}, p99 {:.0f}, max {}\n", s.batch_size.mean, s.batch_size.p50,
             s.batch_size.p99, s.batch_size.max);
  fmt::print("\nMetrics as defined in docs/metrics.md.\n");
  return 0;
}

}  // namespace

void RegisterSimulate(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<SimulateOptions>();
  CLI::App* cmd = app.add_subcommand("simulate", "Simulate serving a request stream (latency percentiles, throughput)");
  cmd->add_option("model", opt->model, "preset name or path to a config.json")->capture_default_str();
  AddDeploymentFlags(*cmd, opt->deployment);
  AddDisaggFlags(*cmd, opt->disagg);
  cmd->add_option("--rate", opt->rate, "mean arrival rate, requests/s (the starting rate with --sweep)")
      ->capture_default_str();
  cmd->add_option("--input", opt->input, "input tokens per request (mean for other distributions)")
      ->capture_default_str();
  cmd->add_option("--output", opt->output, "output tokens per request (mean for other distributions)")
      ->capture_default_str();
  cmd->add_option("--duration", opt->duration, "seconds of arrivals");
  cmd->add_option("--requests", opt->requests, "number of requests (default 2000 when no --duration)");
  cmd->add_option("--seed", opt->seed, "random seed (same seed, same result)")->capture_default_str();
  cmd->add_option("--arrival", opt->arrival, "arrival process: poisson, gamma, constant, trace")->capture_default_str();
  cmd->add_option("--cv", opt->cv, "gamma arrivals: coefficient of variation of inter-arrival times")
      ->capture_default_str();
  cmd->add_option("--lengths", opt->lengths, "length distribution: fixed, uniform, lognormal, trace")
      ->capture_default_str();
  cmd->add_option("--sigma", opt->sigma, "lognormal lengths: log-space sigma")->capture_default_str();
  cmd->add_option("--trace", opt->trace, "trace file (CSV or JSONL: arrival_seconds, input_tokens, output_tokens)");
  cmd->add_option("--lb", opt->lb, "load balancer across replicas: round-robin, least-outstanding")
      ->capture_default_str();
  cmd->add_option("--slo-ttft-p95", opt->slo_ttft, "TTFT target, seconds (goodput; --sweep)");
  cmd->add_option("--slo-tpot-p95", opt->slo_tpot, "TPOT target, seconds (goodput; --sweep)");
  cmd->add_option("--slo-e2e-p95", opt->slo_e2e, "E2E target, seconds (goodput; --sweep)");
  cmd->add_flag("--sweep", opt->sweep, "find the highest rate meeting the p95 targets");
  cmd->add_option("--requests-csv", opt->requests_csv, "write one line per request to this CSV file");
  cmd->add_option("--timeseries-csv", opt->timeseries_csv, "write the deployment's state over time to this CSV file");
  cmd->add_option("--timeseries-interval", opt->timeseries_interval, "seconds between time-series points")
      ->capture_default_str();
  cmd->add_option("--concurrency", opt->concurrency,
                  "closed loop of N clients, each sending its next request when the previous finishes (as vllm bench "
                  "serve --max-concurrency); default requests: N warm-up + max(4N, 200) measured + N drain");
  cmd->add_flag("--json", opt->json, "machine-readable output");
  cmd->callback([opt, cmd, &exit_code] {
    opt->gpus_given = cmd->count("--gpus") > 0;
    exit_code = RunSimulate(*opt);
  });
}

}  // namespace capplan::cli
