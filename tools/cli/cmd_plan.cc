// `capplan plan`: the cheapest deployment that meets the workload's SLOs, what it costs, how it compares
// with serverless APIs, and how to launch it. With no arguments: the default scenario (Llama 4 Scout,
// chat, 15 requests/s).
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "capplan/fleet.h"
#include "capplan/launch.h"
#include "capplan/search.h"
#include "cli_util.h"
#include "commands.h"
#include "deployment_flags.h"
#include "encode_cost.h"
#include "encode_results.h"
#include "fleet_plan.h"
#include "price_flags.h"

namespace capplan::cli {
namespace {

struct PlanOptions {
  std::string model = "llama-4-scout";
  std::optional<double> rate;  // default 15 when neither --rate nor --monthly-tokens
  std::optional<double> monthly_tokens;
  int64_t input = 1000;
  int64_t output = 500;
  double slo_ttft = 1.0;
  double slo_tpot = 0.050;
  std::vector<std::string> gpus_allowed;
  std::vector<std::string> providers;
  std::string engine = "vllm";
  std::optional<std::string> hf_id;
  int finalists = 4;
  int64_t sim_requests = 2000;
  uint64_t seed = 1;
  int show = 10;
  PriceFlags prices;
  bool json = false;
  bool csv = false;
  // A day of traffic (docs/plan.md, "A day of traffic").
  std::optional<std::string> traffic_profile;  // FILE or diurnal:peak=R1,trough=R2[,peak-hours=H]
  double storage_gbps = kDefaultStorageBandwidth.v / 1e9;
  double engine_startup_s = kDefaultEngineStartup.v;
  TierFlags tier;
};

Result<TrafficProfile> LoadTrafficProfile(const std::string& spec) {
  if (spec.starts_with("diurnal:")) return ParseDiurnalProfile(spec);
  auto text = ReadInputFile(spec, "traffic profile CSV", "--traffic-profile");  // bounded; a directory is named
  if (!text.ok() && text.error().code == ErrorCode::kNotFound)
    return Error::NotFound(
        fmt::format("--traffic-profile: cannot read '{}' (a CSV file, or diurnal:peak=R1,trough=R2)", spec),
        "--traffic-profile");
  if (!text.ok()) return text.error();
  return ParseTrafficCsv(*text, spec);
}

void PrintFleet(const TrafficProfile& p, const FleetResult& f, const Candidate& c, const Candidate& best) {
  fmt::print("\nA DAY OF TRAFFIC ({})\n", p.description);
  const Parallelism& cp = c.deployment.parallel;
  fmt::print(
      "  cheapest fleet that follows the hours: replicas of {} x {} ({}, weights {}, KV {}), priced at {} "
      "{}/GPU-hour;\n"
      "  the recommendation above, sized for the peak and run 24x7, costs {}/month\n",
      cp.tp * cp.pp, c.deployment.gpu.id, LayoutName(Parallelism{.tp = cp.tp, .ep = cp.ep, .pp = cp.pp}),
      json::PrecisionName(c.deployment.weights), DTypeName(c.deployment.kv_dtype), c.quote.row.provider,
      FormatDollars(Dollars{c.quote.usd_per_gpu_hour.v}), FormatDollars(best.usd_per_month));
  fmt::print("  replicas each hour needs (capacity {:.2f} req/s per replica, used to 90%):\n  ",
             c.replica_capacity_rps);
  for (int h = 0; h < 24; ++h) fmt::print("{:02d}h:{:<3}", h, f.replicas_needed[h]);
  fmt::print("\n  {:<12} {:>9} {:>14} {:>14} {:>16}\n", "fleet", "replicas", "GPU-hours/day", "$/month",
             "SLO attainment");
  auto attain = [&](double a) { return f.simulated ? fmt::format("{:.2f}%", a * 100) : std::string("not simulated"); };
  fmt::print("  {:<12} {:>9} {:>14.0f} {:>14} {:>16}\n", "static", f.static_replicas, f.static_gpu_hours_per_day,
             FormatDollars(f.usd_per_month_static), attain(f.slo_attainment_static));
  fmt::print("  {:<12} {:>9} {:>14.0f} {:>14} {:>16}\n", "autoscaled", fmt::format("1-{}", f.static_replicas),
             f.autoscaled_gpu_hours_per_day, FormatDollars(f.usd_per_month_autoscaled),
             attain(f.slo_attainment_autoscaled));
  fmt::print("  scale-up delay {} (weights from storage + engine start-up); ramps:", FormatSeconds(f.scale_up_delay));
  bool any = false;
  for (const FleetSegment& s : f.autoscaled_segments) {
    if (!s.ramp) continue;
    any = true;
    fmt::print(" {:02d}:00 {} -> {} replicas at {:g} req/s, {} of requests within the targets;", s.hour, s.replicas,
               f.replicas_needed[s.hour], s.requests_per_second, attain(s.slo_attainment));
  }
  fmt::print("{}\n", any ? "" : " none");
  fmt::print(
      "  (a scale-up hour is simulated as one run, the new replicas serving from the ramp's end, so the backlog\n"
      "  the ramp builds delays the requests after it; other hours start empty; the static fleet keeps the\n"
      "  peak's replicas all day)\n");
}

// The repository the launch commands serve: --hf-id, else the preset's, else the config's `_name_or_path`
// ("" when none is known: the commands then name a placeholder and say so).
std::string Hf(const PlanOptions& o, const ModelSpec& m) {
  if (o.hf_id) return *o.hf_id;
  return LaunchRepository(m, o.model);
}

// The layout column: the replicas' layout, or "xPyD" with both pools' layouts.
std::string CandidateLayout(const Candidate& c) {
  const std::string mtp = c.spec ? fmt::format(" +MTP{}", c.spec->tokens) : "";
  if (!c.disagg) return LayoutName(c.deployment.parallel) + mtp;
  const Parallelism& p = c.disagg->prefill.parallel;
  const Parallelism& d = c.deployment.parallel;
  auto one = [](const Parallelism& x) {
    std::string s = x.dp_attention > 1 ? fmt::format("DP{}", x.dp_attention) : fmt::format("TP{}", x.tp);
    return x.ep > 1 ? s + fmt::format(" EP{}", x.ep) : s;
  };
  return fmt::format("{}P {} + {}D {}", p.replicas, one(p), d.replicas, one(d));
}

std::string CostLine(const Candidate& c) {
  return fmt::format("{}/hour, {}/month (24x7), {} per million output tokens at SLO capacity",
                     FormatDollars(Dollars{c.cost.usd_per_hour.v}), FormatDollars(c.cost.usd_per_month_24x7),
                     FormatDollars(c.cost.usd_per_million_output_tokens));
}

std::string Plural(int64_t n, std::string_view noun) { return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s"); }

std::string EngineLabel(Engine e) { return DefaultEngineProfile(e).label; }  // data/engine/profiles.json

int RunPlan(PlanOptions& o, const CLI::App& cmd) {
  auto m = LoadModel(o.model);
  if (!m.ok()) return ReportError(m.error());
  auto today = Today(o.prices);
  if (!today.ok()) return ReportError(today.error());
  auto prices = LoadPrices(o.prices, *today);
  if (!prices.ok()) return ReportError(prices.error());
  auto engine = ParseEngine(o.engine, "--engine");
  if (!engine.ok()) return ReportError(engine.error());

  PlanRequest r;
  r.model = *m;
  r.preset = o.model;
  r.hf_id = Hf(o, *m);
  r.input_tokens = o.input;
  r.output_tokens = o.output;
  if (o.rate && o.monthly_tokens)
    return ReportError(Error::InvalidArgument("give --rate or --monthly-tokens, not both", "--rate"));
  if (o.monthly_tokens) {
    if (!(*o.monthly_tokens > 0))
      return ReportError(Error::InvalidArgument("--monthly-tokens must be positive", "--monthly-tokens"));
    if (o.input < 1 || o.output < 1)
      return ReportError(Error::InvalidArgument("--input and --output must be at least 1 token", "--input"));
    r.rate_per_second = RateFromMonthlyTokens(*o.monthly_tokens, o.input, o.output);
  } else {
    r.rate_per_second = o.rate.value_or(15.0);
  }
  r.slo_ttft_p95 = Seconds{o.slo_ttft};
  r.slo_tpot_p95 = Seconds{o.slo_tpot};
  r.gpus_allowed = o.gpus_allowed;
  r.price_filter.providers = o.providers;
  r.engine = *engine;
  r.finalists = o.finalists;
  r.sim_requests = o.sim_requests;
  r.seed = o.seed;
  auto tier = ResolveTier(o.tier);  // folds --own-profile into the own inputs
  if (!tier.ok()) return ReportError(tier.error());
  r.cached_input_fraction = o.tier.cached_input_fraction;
  if (*tier == PricingTier::kOwn)
    r.own = o.tier.own;
  else
    r.price_filter.kinds = KindsFor(*tier);
  std::optional<TrafficProfile> profile;
  if (o.traffic_profile) {
    if (o.rate || o.monthly_tokens)
      return ReportError(
          Error::InvalidArgument("give --traffic-profile or --rate / --monthly-tokens, not both", "--traffic-profile"));
    auto p = LoadTrafficProfile(*o.traffic_profile);
    if (!p.ok()) return ReportError(p.error());
    profile = *p;
    r.rate_per_second = profile->PeakRate();  // the recommendation is sized for the peak hour
    r.volume_rate_per_second = profile->MeanRate();
  }

  const bool tty = isatty(STDERR_FILENO) && !o.json && !o.csv;
  const auto start = std::chrono::steady_clock::now();
  auto progress = [&](double f) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (tty && elapsed > 0.3)
      fmt::print(stderr, "\rsearching [{:<30}] {:3.0f}%", std::string(static_cast<size_t>(f * 30), '#'), f * 100);
  };
  auto plan = Plan(r, GpuCatalog::BuiltIn(), *prices, *today, progress);
  if (tty && std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > 0.3)
    fmt::print(stderr, "\n");
  if (!plan.ok()) return ReportError(plan.error());

  const bool is_default =
      cmd.count_all() == 0 || (cmd.get_option("model")->count() == 0 && !o.rate && !o.monthly_tokens &&
                               cmd.get_option("--input")->count() == 0 && cmd.get_option("--output")->count() == 0);
  if (!plan->feasible()) {
    std::cerr << "capplan: infeasible: " << plan->infeasible_reason << "\n";
    for (const auto& s : plan->suggestions) std::cerr << "  to make it feasible: " << s << "\n";
    if (o.json) PrintJson(json::EncodePlan(r, *plan, *today, is_default, *tier));
    return 1;
  }
  const Candidate& best = plan->candidates.front();
  auto launch = WriteLaunchCommandsAllEngines(PlanLaunchRequest(r, best, r.hf_id));
  if (!launch.ok()) return ReportError(launch.error());

  if (o.csv) {
    fmt::print(
        "rank,gpu,gpu_count,replicas,tp,ep,pp,weights,kv,usd_per_month,usd_per_million_output_tokens,ttft_p95_s,tpot_"
        "p95_s,e2e_p95_s,simulated,provider,price_as_of,mode,prefill_workers,prefill_gpus_per_worker\n");
    for (size_t i = 0; i < plan->candidates.size(); ++i) {
      const Candidate& c = plan->candidates[i];
      const Parallelism& p = c.deployment.parallel;
      fmt::print("{},{},{},{},{},{},{},{},{},{:.2f},{:.4f},{:.4f},{:.4f},{:.4f},{},{},{},{},{},{}\n", i + 1,
                 c.deployment.gpu.id, CandidateGpus(c), p.replicas, p.tp, p.ep, p.pp,
                 json::PrecisionName(c.deployment.weights), DTypeName(c.deployment.kv_dtype), c.usd_per_month.v,
                 c.cost.usd_per_million_output_tokens.v, c.latency.ttft.p95.v, c.latency.tpot.p95.v,
                 c.latency.e2e.p95.v, c.latency.simulated, c.quote.row.provider, c.quote.row.as_of.text,
                 CandidateMode(c), c.disagg ? c.disagg->prefill.parallel.replicas : 0,
                 c.disagg ? c.disagg->prefill.parallel.GpusPerReplica() : 0);
    }
    return 0;
  }

  // With a day of traffic, the replica type cheapest when the fleet follows the hours (tools/json/fleet_plan.h).
  std::optional<json::FleetPlan> fleet_plan;
  if (profile) {
    auto f = json::PlanFleet(r, *plan, *profile,
                             {.storage_bandwidth = GBps(o.storage_gbps),
                              .engine_startup = Seconds{o.engine_startup_s},
                              .max_requests_per_segment = r.sim_requests});
    if (!f.ok()) return ReportError(f.error());
    fleet_plan = std::move(*f);
  }
  const FleetResult* fleet = fleet_plan ? &fleet_plan->fleet : nullptr;
  const Candidate* fleet_of = fleet_plan ? &fleet_plan->candidate : nullptr;
  const std::vector<ApiComparison> fleet_apis = fleet_plan ? fleet_plan->apis : std::vector<ApiComparison>{};

  if (o.json) {
    nlohmann::json j = json::EncodePlan(r, *plan, *today, is_default, *tier);
    if (fleet_plan) j["fleet"] = json::EncodeFleetPlan(*profile, *fleet_plan, best);
    PrintJson(j);
    return 0;
  }

  // ---- The report --------------------------------------------------------------------------------
  fmt::print("capplan plan: {} ({}, {:.1f}B total / {:.1f}B active parameters)\n", o.model, r.hf_id,
             TotalParams(*m) / 1e9, ActiveParams(*m, true) / 1e9);
  if (is_default)
    fmt::print(
        "Default scenario (run `capplan plan --help` to change it): a chat workload of {} input + {} output tokens\n"
        "per request at {} requests/s, targets p95 TTFT <= {} and p95 TPOT <= {}.\n",
        o.input, o.output, r.rate_per_second, FormatSeconds(r.slo_ttft_p95), FormatSeconds(r.slo_tpot_p95));
  else
    fmt::print(
        "Workload: {} input + {} output tokens per request at {:.2f} requests/s; targets p95 TTFT <= {}, p95 TPOT <= "
        "{}.\n",
        o.input, o.output, r.rate_per_second, FormatSeconds(r.slo_ttft_p95), FormatSeconds(r.slo_tpot_p95));
  fmt::print("Volume: {:.2f}B tokens a month (input + output, 730 hours). Prices judged on {}.\n\n",
             plan->tokens_per_month / 1e9, FormatDate(*today));

  fmt::print("RECOMMENDATION\n");
  fmt::print("  {} x {} ({}), weights {}, KV cache {}\n", CandidateGpus(best), best.deployment.gpu.name,
             CandidateLayout(best), json::PrecisionName(best.deployment.weights), DTypeName(best.deployment.kv_dtype));
  if (!launch->empty() && launch->front().checkpoint != r.hf_id)
    fmt::print("              checkpoint: {}\n", launch->front().checkpoint);
  fmt::print("  cost        {}\n", CostLine(best));
  fmt::print("              {} at {}/GPU-hour x {} GPU(s), price of {}\n", best.quote.row.provider,
             FormatDollars(Dollars{best.quote.usd_per_gpu_hour.v}), best.quote.billed_gpus,
             DateLabel(best.quote.row.as_of, *today, o.prices.max_age_days));
  fmt::print("  memory      per {}GPU: {} weights + {} KV pool + {} activations/overhead of {} usable\n",
             best.disagg ? "decode " : "", FormatBytes(best.memory.weights_total), FormatBytes(best.memory.kv_cache),
             FormatBytes(best.memory.activations + best.memory.overhead), FormatBytes(best.memory.capacity));
  if (best.disagg)
    fmt::print(
        "  capacity    {:.3g} requests/s in all under the targets (decode workers run up to {} each), {:.0f} output "
        "tok/s\n",
        best.replica_capacity_rps * best.deployment.parallel.replicas, Plural(best.slo_concurrency, "sequence"),
        best.capacity_output_tokens_per_second);
  else
    fmt::print(
        "  capacity    {:.3g} requests/s per replica under the targets ({} running), {:.0f} output tok/s in all\n",
        best.replica_capacity_rps, Plural(best.slo_concurrency, "sequence"), best.capacity_output_tokens_per_second);
  fmt::print("  latency     {}:\n", best.latency.simulated
                                        ? fmt::format("simulated, {} Poisson requests", best.latency.simulated_requests)
                                        : std::string("analytic estimate (not simulated)"));
  fmt::print("              {:<6} {:>10} {:>10} {:>10}\n", "", "p50", "p95", "p99");
  for (auto [name, lp] : {std::pair{"TTFT", best.latency.ttft}, {"TPOT", best.latency.tpot}, {"E2E", best.latency.e2e}})
    fmt::print("              {:<6} {:>10} {:>10} {:>10}\n", name, FormatSeconds(lp.p50), FormatSeconds(lp.p95),
               FormatSeconds(lp.p99));
  fmt::print("  why         the cheapest of {} configurations that fit ({} looked at) and meet both targets",
             plan->candidates.size(), plan->evaluated);
  fmt::print("{}.\n", best.latency.simulated ? ", confirmed by simulation" : "");
  fmt::print("              searched: {} aggregated and {} attention-DP configurations, {} disaggregated pairings\n",
             plan->evaluated_aggregated, plan->evaluated_attention_dp, plan->evaluated_disaggregated);
  if (!plan->error_band_note.empty()) fmt::print("  error band  {}\n", plan->error_band_note);
  if (plan->evaluated_speculative > 0)
    fmt::print("              and {} MTP speculative variants (the model has multi-token-prediction layers)\n",
               plan->evaluated_speculative);
  if (best.spec) {
    std::string rates;
    for (double a : best.spec->acceptance) rates += fmt::format("{}{:.2f}", rates.empty() ? "" : ", ", a);
    fmt::print(
        "  speculative MTP, {} drafted token(s) per step at an assumed acceptance of {} ({:.2f} tokens per step, "
        "{:.2f}x the plain decode at its batch); source: {}\n",
        best.spec->tokens, rates, best.spec->tokens_per_step, best.spec->speedup, best.spec->acceptance_source);
  }
  if (!best.note.empty()) fmt::print("              {}\n", best.note);
  for (const auto& w : best.memory.warnings) fmt::print("  warning     {}\n", w.message);

  if (plan->disagg.considered) {
    fmt::print("\nDISAGGREGATED PREFILL/DECODE: {}\n", plan->disagg.summary);
    for (const auto& why : plan->disagg.reasons) fmt::print("  - {}\n", why);
  }

  fmt::print("\nLAUNCH (bounds the worst case: max context and running sequences the budget assumed)\n");
  for (const LaunchCommand& c : *launch) {
    if (!c.processes.empty()) {
      fmt::print("  {}{}, disaggregated:\n", EngineLabel(c.engine),
                 c.engine == r.engine ? " (the engine planned for)" : "");
      for (const LaunchProcess& p : c.processes) {
        fmt::print("    {} ({}):\n      {}\n", p.role, p.role == "router" ? "once" : Plural(p.instances, "worker"),
                   p.command);
        if (p.options_file.empty()) continue;
        fmt::print("      with {}:\n", p.options_file_name);
        std::istringstream yml(p.options_file);
        for (std::string line; std::getline(yml, line);)
          if (!line.starts_with("#")) fmt::print("        {}\n", line);
      }
      for (const auto& n : c.notes) fmt::print("    note: {}\n", n);
      continue;
    }
    fmt::print("  {}{}:\n    {}\n", EngineLabel(c.engine), c.engine == r.engine ? " (the engine planned for)" : "",
               c.command);
    if (!c.options_file.empty()) {
      fmt::print("    with capplan-llm-api.yml:\n");
      std::istringstream yml(c.options_file);
      for (std::string line; std::getline(yml, line);)
        if (!line.starts_with("#")) fmt::print("      {}\n", line);
    }
    for (const auto& n : c.notes) fmt::print("    note: {}\n", n);
  }

  fmt::print("\nCANDIDATES (cheapest first; * = on the cost / p95 E2E Pareto front)\n");
  fmt::print("  {:>2} {:<14} {:>5} {:<26} {:<16} {:<5} {:>12} {:>9} {:>9} {:>9} {:<4} {}\n", "#", "GPU", "GPUs",
             "layout", "weights", "KV", "$/month", "TTFTp95", "TPOTp95", "E2Ep95", "sim", "provider (price date)");
  for (size_t i = 0; i < plan->candidates.size() && static_cast<int>(i) < o.show; ++i) {
    const Candidate& c = plan->candidates[i];
    const bool front = std::find(plan->pareto.begin(), plan->pareto.end(), i) != plan->pareto.end();
    fmt::print("  {:>2}{}{:<14} {:>5} {:<26} {:<16} {:<5} {:>12} {:>9} {:>9} {:>9} {:<4} {} ({})\n", i + 1,
               front ? "*" : " ", c.deployment.gpu.id, CandidateGpus(c), CandidateLayout(c),
               json::PrecisionName(c.deployment.weights), DTypeName(c.deployment.kv_dtype),
               FormatDollars(c.usd_per_month), FormatSeconds(c.latency.ttft.p95), FormatSeconds(c.latency.tpot.p95),
               FormatSeconds(c.latency.e2e.p95), c.latency.simulated ? "yes" : "no", c.quote.row.provider,
               DateLabel(c.quote.row.as_of, *today, o.prices.max_age_days));
  }
  if (static_cast<int>(plan->candidates.size()) > o.show)
    fmt::print("  ... {} more (--show N, --json or --csv for all)\n",
               plan->candidates.size() - static_cast<size_t>(o.show));

  fmt::print("\nSERVERLESS APIs at your volume ({:.2f}B tokens/month)", plan->tokens_per_month / 1e9);
  if (!plan->api_match.exact && !plan->api_match.rows.empty())
    fmt::print(": no API serves {}; nearest priced equivalent: {} ({})", o.model, plan->api_match.equivalent,
               plan->api_match.why);
  fmt::print("\n");
  if (plan->api_comparison.empty()) fmt::print("  none priced: {}\n", plan->api_match.why);
  for (const auto& a : plan->api_comparison) {
    const bool cheaper = a.api_cheaper;
    fmt::print(
        "  {:<12} {:<40} ${:.3f} in / ${:.3f} out per M ({})  {:>12}/month  {}; self-hosting wins above {:.1f}B "
        "tokens/month\n",
        a.price.provider, a.price.model_text.substr(0, 40), a.price.usd_per_million_input.v,
        a.price.usd_per_million_output.v, DateLabel(a.price.as_of, *today, o.prices.max_age_days),
        FormatDollars(a.usd_per_month), cheaper ? "cheaper than self-hosting" : "dearer than self-hosting",
        a.crossover_tokens_per_month / 1e9);
  }
  if (!plan->tiers.empty()) {
    fmt::print("\nTRAFFIC TIERS ($/month, self-hosting scaled by whole replicas of the recommendation)\n");
    fmt::print("  {:>14} {:>22}", "tokens/month", "self-host");
    for (const auto& a : plan->tiers.front().apis) fmt::print(" {:>14}", a.provider.substr(0, 14));
    fmt::print("\n");
    for (const auto& t : plan->tiers) {
      fmt::print("  {:>13.0f}B {:>22}", t.tokens_per_month / 1e9,
                 fmt::format("{} ({} repl.)", FormatDollars(t.self_host.usd_per_month), t.self_host.replicas));
      for (const auto& a : t.apis) fmt::print(" {:>14}", FormatDollars(a.usd_per_month));
      fmt::print("   cheapest: {}\n", t.cheapest);
    }
  }
  if (fleet) {
    PrintFleet(*profile, *fleet, *fleet_of, best);
    fmt::print("  the APIs at the day's {:.2f}B tokens a month against the autoscaled fleet's {}/month:",
               plan->tokens_per_month / 1e9, FormatDollars(fleet->usd_per_month_autoscaled));
    for (const ApiComparison& a : fleet_apis)
      fmt::print(" {} {} ({});", a.price.provider, FormatDollars(a.usd_per_month),
                 a.api_cheaper ? "cheaper" : "dearer");
    fmt::print("\n");
  }
  fmt::print(
      "\nAssumptions: {} engine profile and step-time constants; {} prices; 730 hours a month; the roofline model\n"
      "calibrated per engine and GPU family on published serving sweeps (docs/validation.md, with its error);\n"
      "latency from the serving simulator (docs/metrics.md).\n",
      o.engine, PricingTierName(*tier));
  return 0;
}

}  // namespace

void RegisterPlan(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<PlanOptions>();
  CLI::App* cmd = app.add_subcommand("plan",
                                     "The cheapest deployment that meets the latency targets, its cost and launch "
                                     "command (default: Llama 4 Scout chat)");
  cmd->add_option("model", opt->model, "preset name or path to a config.json")->capture_default_str();
  cmd->add_option("--rate", opt->rate, "request arrival rate, requests/s (default 15)");
  cmd->add_option("--monthly-tokens", opt->monthly_tokens, "monthly volume, input + output tokens (instead of --rate)");
  cmd->add_option("--input", opt->input, "input tokens per request")->capture_default_str();
  cmd->add_option("--output", opt->output, "output tokens per request")->capture_default_str();
  cmd->add_option("--slo-ttft-p95", opt->slo_ttft, "p95 time-to-first-token target, seconds")->capture_default_str();
  cmd->add_option("--slo-tpot-p95", opt->slo_tpot, "p95 time-per-output-token target, seconds")->capture_default_str();
  cmd->add_option("--gpus-allowed", opt->gpus_allowed,
                  "GPU ids or aliases to consider (comma-separated; default: all priced)")
      ->delimiter(',');
  cmd->add_option("--providers", opt->providers, "providers to price with (comma-separated; default: all)")
      ->delimiter(',');
  cmd->add_option("--engine", opt->engine, "serving engine profile: vllm, sglang, trtllm")->capture_default_str();
  cmd->add_option("--hf-id", opt->hf_id,
                  "Hugging Face repository the launch commands serve (default: the preset's, or the config's "
                  "_name_or_path)");
  cmd->add_option("--finalists", opt->finalists, "cheapest candidates confirmed by simulation")->capture_default_str();
  cmd->add_option("--sim-requests", opt->sim_requests, "requests per confirming simulation")->capture_default_str();
  cmd->add_option("--seed", opt->seed, "simulation seed")->capture_default_str();
  cmd->add_option("--show", opt->show, "candidates listed in the report")->capture_default_str();
  AddPriceFlags(*cmd, opt->prices);
  AddTierFlags(*cmd, opt->tier);
  cmd->add_option("--traffic-profile", opt->traffic_profile,
                  "a day of traffic: a CSV of hour (0-23) or timestamp to requests_per_second, or "
                  "diurnal:peak=R1,trough=R2[,peak-hours=H]; sizes for the peak and compares static with autoscaled");
  cmd->add_option("--storage-gbps", opt->storage_gbps, "storage read bandwidth for loading weights (scale-up), GB/s")
      ->capture_default_str();
  cmd->add_option("--engine-startup-s", opt->engine_startup_s, "engine start-up after the weights load, seconds")
      ->capture_default_str();
  auto* json = cmd->add_flag("--json", opt->json, "machine-readable output");
  cmd->add_flag("--csv", opt->csv, "the candidates as CSV")->excludes(json);
  cmd->callback([opt, cmd, &exit_code] { exit_code = RunPlan(*opt, *cmd); });
}

}  // namespace capplan::cli
