#include "validate_sweeps.h"

#include <fmt/format.h>

#include <fstream>
#include <map>

#include "capplan/validate.h"
#include "cli_util.h"

namespace capplan::cli {
namespace {

std::string Engine(const SweepCase& c) { return std::string(EngineName(c.deployment.engine.engine)); }

void PrintSummaries(const std::vector<SweepPoint>& pts, std::string_view key, bool md, const std::string& title) {
  const auto sums = SummariseSweeps(pts, key);
  if (md) {
    fmt::print(
        "\n{}\n\n| group | metric | rows | median abs % error | mean signed % error |\n|---|---|---:|---:|---:|\n",
        title);
    for (const auto& s : sums)
      fmt::print("| {} | {} | {} | {:.1f} | {:+.1f} |\n", s.group, s.metric, s.n, s.median_abs_pct, s.mean_signed_pct);
  } else {
    fmt::print("\n{}\n  {:<40} {:<6} {:>5} {:>12} {:>8}\n", title, "group", "metric", "rows", "median|err|", "bias");
    for (const auto& s : sums)
      fmt::print("  {:<40} {:<6} {:>5} {:>11.1f}% {:>+7.1f}%\n", s.group, s.metric, s.n, s.median_abs_pct,
                 s.mean_signed_pct);
  }
}

}  // namespace

nlohmann::json CalibrationJson(const PerfCalibration& c) {
  nlohmann::json j = {{"family", c.family},
                      {"hbm_efficiency", c.hbm_efficiency},
                      {"matmul_efficiency", c.matmul_efficiency},
                      {"matmul_half_tokens", c.matmul_half_tokens},
                      {"attention_efficiency", c.attention_efficiency},
                      {"comm_efficiency", c.comm_efficiency},
                      {"collective_latency_seconds", c.collective_latency.v},
                      {"layer_overhead_seconds", c.layer_overhead.v},
                      {"step_overhead_seconds", c.step_overhead.v},
                      {"routing_skew", c.routing_skew},
                      {"max_batch", c.max_batch},
                      {"expert_matmul_scale", c.expert_matmul_scale},
                      {"moe_layer_overhead_seconds", c.moe_layer_overhead.v},
                      {"gemm_launch_overhead_seconds", c.gemm_launch_overhead.v},
                      {"sequence_overhead_seconds", c.sequence_overhead.v}};
  if (!c.engine.empty()) {
    j["engine"] = c.engine;
    j["fitted_on"] = c.fitted_on;
    j["overlap_scheduler"] = c.overlap_scheduler;
    j["expert_half_tokens"] = c.expert_half_tokens;
    j["first_wave_weight"] = c.first_wave_weight;
    j["request_overhead_seconds"] = c.request_overhead.v;
  }
  return j;
}

void ReportSweeps(const std::vector<PerfCalibration>& cals, const SweepReportOptions& o, nlohmann::json* json_out) {
  const std::vector<SweepCase> cases = ExpressSweeps(BuiltInSweeps());
  const std::vector<SweepPoint> pts = PredictSweeps(cases, cals);
  std::map<std::string, int> gap_counts;
  for (const auto& c : cases)
    if (!c.expressible)
      ++gap_counts[c.reason.substr(0, c.reason.find(':') == std::string::npos ? c.reason.size() : c.reason.find(':'))];
  if (o.json && json_out != nullptr) {
    nlohmann::json& j = *json_out;
    j["sweeps"]["rows_total"] = cases.size();
    j["sweeps"]["rows_expressed"] = pts.size();
    for (const char* key : {"engine", "engine_gpu", "engine_gpu_model"}) {
      nlohmann::json s = nlohmann::json::array();
      for (const auto& e : SummariseSweeps(pts, key))
        s.push_back({{"group", e.group},
                     {"metric", e.metric},
                     {"n", e.n},
                     {"median_abs_pct", e.median_abs_pct},
                     {"mean_signed_pct", e.mean_signed_pct}});
      j["sweeps"]["summary"][key] = s;
    }
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& p : pts)
      rows.push_back({{"line", p.c->row->line},
                      {"id", p.c->row->id},
                      {"engine", Engine(*p.c)},
                      {"engine_version", p.c->row->backend_version},
                      {"gpu", p.c->gpu_id},
                      {"model", p.c->model},
                      {"tp", p.c->deployment.parallel.tp},
                      {"ep", p.c->deployment.parallel.ep},
                      {"concurrency", p.c->clients},
                      {"isl", p.c->row->isl},
                      {"osl", p.c->row->osl},
                      {"ttft_measured_seconds", p.c->ttft_s},
                      {"ttft_predicted_seconds", p.ttft_pred_s},
                      {"tpot_measured_seconds", p.c->tpot_s},
                      {"tpot_predicted_seconds", p.tpot_pred_s},
                      {"ttft_error_pct", p.ttft_err_pct},
                      {"tpot_error_pct", p.tpot_err_pct},
                      {"bound", p.bound},
                      {"running_limit", p.running_limit}});
    j["sweeps"]["rows"] = rows;
    nlohmann::json gaps = nlohmann::json::array();
    for (const auto& c : cases)
      if (!c.expressible) gaps.push_back({{"line", c.row->line}, {"id", c.row->id}, {"reason", c.reason}});
    j["sweeps"]["not_expressible"] = gaps;
    return;
  }
  const bool md = o.markdown;
  if (md) {
    fmt::print(
        "\n## Serving sweeps (closed loop, per engine)\n\n{} rows in data/validation/serving-sweeps.csv; {} "
        "expressed and predicted by the analytic closed-loop steady state (`capplan perf --concurrency`) with "
        "the built-in constants of each row's engine and GPU family.\n",
        cases.size(), pts.size());
  } else {
    fmt::print("\nServing-sweep rows (closed loop of clients; mean TTFT and TPOT): {} of {} rows expressed\n",
               pts.size(), cases.size());
  }
  PrintSummaries(pts, "engine", md, md ? "### By engine" : "By engine:");
  PrintSummaries(pts, "engine_gpu", md, md ? "### By engine and GPU" : "By engine and GPU:");
  PrintSummaries(pts, "engine_gpu_model", md, md ? "### By engine, GPU and model" : "By engine, GPU and model:");
  if (o.rows) {
    if (md)
      fmt::print(
          "\n### Every row\n\n| line | engine | GPU | model | TP | EP | N | isl/osl | TTFT meas | TTFT pred | "
          "err % | TPOT meas | TPOT pred | err % | bound |\n|---:|---|---|---|---:|---:|---:|---|---:|---:|---:|"
          "---:|---:|---:|---|\n");
    for (const auto& p : pts) {
      const SweepCase& c = *p.c;
      if (md)
        fmt::print(
            "| {} | {} {} | {} | {} | {} | {} | {} | {}/{} | {:.1f} ms | {:.1f} ms | {:+.0f} | {:.2f} ms | {:.2f} ms "
            "| {:+.0f} | {} |\n",
            c.row->line, Engine(c), c.row->backend_version, c.gpu_id, c.model, c.deployment.parallel.tp,
            c.deployment.parallel.ep, c.clients, c.row->isl, c.row->osl, c.ttft_s * 1e3, p.ttft_pred_s * 1e3,
            p.ttft_err_pct, c.tpot_s * 1e3, p.tpot_pred_s * 1e3, p.tpot_err_pct, p.bound);
      else
        fmt::print(
            "  {:>5} {:<7} {:<10} {:<13} tp{} ep{} N={:<4} {:>5}/{:<5} TTFT {:>9.1f} ms vs {:>9.1f} ms {:>+5.0f}%  "
            "TPOT {:>7.2f} ms vs {:>7.2f} ms {:>+5.0f}%  {}\n",
            c.row->line, Engine(c), c.gpu_id, c.model, c.deployment.parallel.tp, c.deployment.parallel.ep, c.clients,
            c.row->isl, c.row->osl, c.ttft_s * 1e3, p.ttft_pred_s * 1e3, p.ttft_err_pct, c.tpot_s * 1e3,
            p.tpot_pred_s * 1e3, p.tpot_err_pct, p.bound);
    }
  }
  if (md)
    fmt::print("\n### Sweep rows capplan cannot express\n\n| reason | rows |\n|---|---:|\n");
  else
    fmt::print("\nSweep rows capplan cannot express (--gaps lists each):\n");
  for (const auto& [reason, n] : gap_counts) {
    if (md)
      fmt::print("| {} | {} |\n", reason, n);
    else
      fmt::print("  {:>5} rows: {}\n", n, reason);
  }
  if (o.gaps) {
    for (const auto& c : cases)
      if (!c.expressible) fmt::print("  line {:>5} {}: {}\n", c.row->line, c.row->id, c.reason);
  }
}

nlohmann::json FitSweepsJson(const std::vector<PerfCalibration>& cals) {
  const std::vector<SweepCase> cases = ExpressSweeps(BuiltInSweeps());
  nlohmann::json out = nlohmann::json::array();
  for (const PerfCalibration& c : FitAllEngines(cases, cals)) out.push_back(CalibrationJson(c));
  return out;
}

int CrossValidateSweepsReport(const std::vector<PerfCalibration>& cals, bool md, const std::string& bands_path) {
  const std::vector<SweepCase> cases = ExpressSweeps(BuiltInSweeps());
  const std::vector<SweepPoint> in_sample = PredictSweeps(cases, FitAllEngines(cases, cals));
  const std::vector<SweepPoint> by_model = CrossValidateSweeps(cases, cals, "model");
  const std::vector<SweepPoint> by_gpu = CrossValidateSweeps(cases, cals, "gpu");
  // Per engine over the aggregated rows (issue 12's targets), then per engine and layout mode (agg, attention_dp,
  // disagg: issue 14's), in sample and out of sample side by side.
  auto aggregated = [](const std::vector<SweepPoint>& v) {
    std::vector<SweepPoint> out;
    for (const auto& p : v)
      if (!p.c->disagg) out.push_back(p);
    return out;
  };
  auto table = [&](const std::vector<SweepPoint>& a, const std::vector<SweepPoint>& b, const std::vector<SweepPoint>& c,
                   const char* key, const char* title) {
    const auto in = SummariseSweeps(a, key);
    const auto lomo = SummariseSweeps(b, key);
    const auto logo = SummariseSweeps(c, key);
    if (md)
      fmt::print(
          "\n{}\n\n| {} | metric | rows | in-sample median abs % | leave-one-model-out | leave-one-GPU-out |\n"
          "|---|---|---:|---:|---:|---:|\n",
          title, key);
    else
      fmt::print("{}\n  {:<22} {:<10} {:>5} {:>10} {:>20} {:>18}\n", title, key, "metric", "rows", "in sample",
                 "leave-one-model-out", "leave-one-GPU-out");
    for (size_t i = 0; i < in.size(); ++i) {
      auto find = [&](const std::vector<SweepSummary>& v) {
        for (const auto& s : v)
          if (s.group == in[i].group && s.metric == in[i].metric) return s.median_abs_pct;
        return -1.0;
      };
      if (md)
        fmt::print("| {} | {} | {} | {:.1f} | {:.1f} | {:.1f} |\n", in[i].group, in[i].metric, in[i].n,
                   in[i].median_abs_pct, find(lomo), find(logo));
      else
        fmt::print("  {:<22} {:<10} {:>5} {:>9.1f}% {:>19.1f}% {:>17.1f}%\n", in[i].group, in[i].metric, in[i].n,
                   in[i].median_abs_pct, find(lomo), find(logo));
    }
  };
  if (md)
    fmt::print(
        "\n## Serving sweeps: in sample and out of sample, per engine\n\n{} constants fitted per (engine, GPU "
        "family) set, on the aggregated rows only (the disaggregated rows are predicted, never fitted on). In "
        "sample: fitted on every row. Leave-one-model-out: each model's rows predicted by sets fitted without "
        "them. Leave-one-GPU-out: the same by GPU (a set with no rows left falls back to the family prior). "
        "Throughput is output tokens/s by Little's law on the mean TTFT and TPOT (measured and predicted alike).\n",
        kFittedConstantsPerSet);
  else
    fmt::print("Serving sweeps, median |error| ({} constants per (engine, GPU family) set):\n", kFittedConstantsPerSet);
  table(aggregated(in_sample), aggregated(by_model), aggregated(by_gpu), "engine",
        md ? "### Aggregated rows (with attention DP), per engine" : "Aggregated rows, per engine:");
  table(in_sample, by_model, by_gpu, "engine_mode",
        md ? "### Per engine and layout mode (agg, attention_dp, disagg)" : "Per engine and layout mode:");
  PrintSummaries(
      by_model, "engine_gpu_model", md,
      md ? "### Leave-one-model-out by engine, GPU and model" : "Leave-one-model-out by engine, GPU and model:");
  if (!bands_path.empty()) {
    std::ofstream f(bands_path);
    if (!f) return ReportError(Error::NotFound(bands_path + ": cannot write the file", "--write-bands"));
    f << "regime,metric,low,high,count,source\n";
    for (const char* metric : {"ttft", "tpot"})
      for (const auto& [regime, b] : BandsFromPoints(by_model, metric))
        f << regime << ',' << metric << ',' << fmt::format("{:.3f},{:.3f}", b.low, b.high) << ',' << b.count
          << ",leave-one-model-out on serving-sweeps.csv (capplan validate --cross-validate --write-bands)\n";
  }
  return 0;
}

}  // namespace capplan::cli
