// `capplan validate`: every published measurement the model can express, predicted vs measured.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

#include "capplan/perf.h"
#include "capplan/search.h"
#include "capplan/validate.h"
#include "cli_util.h"
#include "commands.h"
#include "validate_sweeps.h"

namespace capplan::cli {
namespace {

struct ValidateOptions {
  std::string measurements;  // "" = built-in copy
  std::string calibration;   // "" = built-in
  bool json = false;
  bool markdown = false;
  bool fit = false;
  bool cross_validate = false;
  bool rows = false;
  bool gaps = false;
  std::string write_bands;
};

void PrintSummaryTable(const std::vector<ValidationPoint>& pts, std::string_view key, bool md) {
  auto sums = SummariseErrors(pts, key);
  if (md) {
    fmt::print(
        "\n| {} | rows | median abs % error | mean abs % error | mean signed % error |\n|---|---:|---:|---:|---:|\n",
        key);
    for (const auto& s : sums)
      fmt::print("| {} | {} | {:.1f} | {:.1f} | {:+.1f} |\n", s.group, s.n, s.median_abs_pct, s.mean_abs_pct,
                 s.mean_signed_pct);
  } else {
    fmt::print("\n  by {:<20} {:>5} {:>12} {:>10} {:>10}\n", key, "rows", "median|err|", "mean|err|", "bias");
    for (const auto& s : sums)
      fmt::print("  {:<28} {:>5} {:>11.1f}% {:>9.1f}% {:>+9.1f}%\n", s.group, s.n, s.median_abs_pct, s.mean_abs_pct,
                 s.mean_signed_pct);
  }
}

int RunValidate(const ValidateOptions& o) {
  std::vector<MeasurementRow> rows = BuiltInMeasurements();
  if (!o.measurements.empty()) {
    auto text = ReadInputFile(o.measurements, "measurements CSV", "--measurements");
    if (!text.ok()) return ReportError(text.error());
    auto parsed = ParseMeasurementsCsv(*text, o.measurements);
    if (!parsed.ok()) return ReportError(parsed.error());
    rows = *parsed;
  }
  std::vector<PerfCalibration> cals = BuiltInCalibrations();
  if (!o.calibration.empty()) {
    auto text = ReadInputFile(o.calibration, "calibration", "--calibration");
    if (!text.ok()) return ReportError(text.error());
    auto parsed = ParseCalibration(*text, o.calibration);
    if (!parsed.ok()) return ReportError(parsed.error());
    cals = *parsed;
  }

  if (o.fit) {
    nlohmann::json out = nlohmann::json::array();
    std::vector<PerfCalibration> cals_fitted;
    std::vector<std::string> families = {"default", "hopper", "ampere", "blackwell"};
    for (const auto& fam : families) {
      PerfCalibration start;
      bool found = false;
      for (const auto& c : cals)
        if (c.family == fam && c.engine.empty()) {
          start = c;
          found = true;
        }
      if (!found) {
        start = cals.front();
        start.family = fam;
      }
      const PerfCalibration c = fam == "default" ? start : FitCalibration(rows, start);
      cals_fitted.push_back(c);
      out.push_back(CalibrationJson(c));
    }
    // Then each engine's sets on the serving sweeps, starting from the family priors just fitted.
    for (const auto& e : FitSweepsJson(cals_fitted))
      if (e.contains("engine")) out.push_back(e);
    PrintJson({{"calibrations", out}});
    return 0;
  }

  if (o.cross_validate) {
    const auto cv = CrossValidateByModel(rows, cals);
    const bool md = o.markdown;
    if (md)
      fmt::print(
          "\n## Out of sample: leave-one-model-out\n\nEach model's rows predicted with a calibration refitted "
          "without them (`capplan validate --cross-validate`).\n");
    else
      fmt::print("Leave-one-model-out cross-validation (each model predicted by a fit without its rows):\n");
    PrintSummaryTable(cv, "all", md);
    PrintSummaryTable(cv, "model", md);
    return CrossValidateSweepsReport(cals, md, o.write_bands);
  }
  const auto pts = ValidateMaxLoad(rows, cals);
  const auto online = ValidateOnline(rows, cals);
  if (o.json) {
    nlohmann::json j;
    nlohmann::json arr = nlohmann::json::array(), skipped = nlohmann::json::array();
    for (const auto& p : pts) {
      if (!p.expressed.expressible) {
        skipped.push_back({{"line", p.row.line},
                           {"model", p.row.model},
                           {"gpu", p.row.gpu},
                           {"metric", p.row.metric},
                           {"reason", p.expressed.reason}});
        continue;
      }
      arr.push_back({{"line", p.row.line},
                     {"model", p.expressed.preset},
                     {"gpu", p.expressed.gpu_id},
                     {"weights_dtype", DTypeName(p.expressed.weights)},
                     {"tp", p.expressed.parallel.tp},
                     {"pp", p.expressed.parallel.pp},
                     {"replicas", p.expressed.parallel.replicas},
                     {"input_tokens", p.expressed.input_tokens},
                     {"output_tokens", p.expressed.output_tokens},
                     {"metric", p.row.metric},
                     {"measured", p.expressed.measured},
                     {"predicted", p.predicted},
                     {"error_pct", p.error_pct},
                     {"concurrency", p.concurrency},
                     {"concurrency_limit", p.concurrency_limit}});
    }
    j["rows"] = arr;
    nlohmann::json on = nlohmann::json::array();
    for (const auto& p : online) {
      if (!p.expressed.expressible) continue;
      on.push_back({{"line", p.row.line},
                    {"model", p.expressed.preset},
                    {"gpu", p.expressed.gpu_id},
                    {"tp", p.expressed.parallel.tp},
                    {"request_rate_per_second", p.expressed.request_rate},
                    {"input_tokens", p.expressed.input_tokens},
                    {"output_tokens", p.expressed.output_tokens},
                    {"metric", p.row.metric},
                    {"measured", p.expressed.measured},
                    {"predicted", p.predicted},
                    {"error_pct", p.error_pct}});
    }
    j["online_rows"] = on;
    nlohmann::json on_sum = nlohmann::json::array();
    for (const auto& e : SummariseErrors(online, "metric"))
      on_sum.push_back({{"group", e.group},
                        {"n", e.n},
                        {"median_abs_pct", e.median_abs_pct},
                        {"mean_abs_pct", e.mean_abs_pct},
                        {"mean_signed_pct", e.mean_signed_pct}});
    j["summary"]["online_by_metric"] = on_sum;
    j["not_expressible"] = skipped;
    for (const char* key : {"all", "model", "gpu"}) {
      nlohmann::json s = nlohmann::json::array();
      for (const auto& e : SummariseErrors(pts, key))
        s.push_back({{"group", e.group},
                     {"n", e.n},
                     {"median_abs_pct", e.median_abs_pct},
                     {"mean_abs_pct", e.mean_abs_pct},
                     {"mean_signed_pct", e.mean_signed_pct}});
      j["summary"][key] = s;
    }
    ReportSweeps(cals, {.json = true}, &j);
    PrintJson(j);
    return 0;
  }

  const bool md = o.markdown;
  if (md) {
    fmt::print(
        "## Max-load throughput (all requests queued)\n\nPredicted by `capplan validate` with the built-in "
        "calibration; TensorRT-LLM engine profile.\n");
  } else {
    fmt::print("Max-load throughput rows (output tok/s, whole deployment): predicted vs measured\n");
  }
  PrintSummaryTable(pts, "all", md);
  PrintSummaryTable(pts, "model", md);
  PrintSummaryTable(pts, "gpu", md);
  if (md) {
    fmt::print(
        "\n### Every row\n\n| line | model | GPU | dtype | TP | PP | xR | in | out | measured tok/s | predicted tok/s "
        "| error % | concurrency (limit) |\n"
        "|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
  } else {
    fmt::print("\n  {:>4} {:<15} {:<14} {:<5} {:>2} {:>2} {:>2} {:>6} {:>6} {:>10} {:>10} {:>7}  {}\n", "line", "model",
               "gpu", "dtype", "tp", "pp", "xR", "in", "out", "measured", "predicted", "err", "concurrency");
  }
  for (const auto& p : pts) {
    if (!p.expressed.expressible) continue;
    const auto& e = p.expressed;
    if (md)
      fmt::print("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.0f} | {:.0f} | {:+.1f} | {} ({}) |\n", p.row.line,
                 e.preset, e.gpu_id, DTypeName(e.weights), e.parallel.tp, e.parallel.pp, e.parallel.replicas,
                 e.input_tokens, e.output_tokens, e.measured, p.predicted, p.error_pct, p.concurrency,
                 p.concurrency_limit);
    else
      fmt::print("  {:>4} {:<15} {:<14} {:<5} {:>2} {:>2} {:>2} {:>6} {:>6} {:>10.0f} {:>10.0f} {:>+6.1f}%  {} ({})\n",
                 p.row.line, e.preset, e.gpu_id, DTypeName(e.weights), e.parallel.tp, e.parallel.pp,
                 e.parallel.replicas, e.input_tokens, e.output_tokens, e.measured, p.predicted, p.error_pct,
                 p.concurrency, p.concurrency_limit);
  }
  if (md)
    fmt::print(
        "\n## Online serving (Poisson arrivals at the published rate, simulated)\n\nEach row replayed through the "
        "serving simulator (1000 requests, seed 1) over the roofline model. Latencies in ms.\n");
  else
    fmt::print("\nOnline-serving rows (simulated at the published request rate; latencies in ms):\n");
  PrintSummaryTable(online, "metric", md);
  if (md)
    fmt::print(
        "\n| line | model | GPU | TP | rate req/s | in | out | metric | measured | predicted | error % |\n"
        "|---:|---|---|---:|---:|---:|---:|---|---:|---:|---:|\n");
  for (const auto& p : online) {
    if (!p.expressed.expressible) continue;
    const auto& e = p.expressed;
    const double k = p.row.metric == "output_throughput_total" ? 1.0 : 1000.0;  // seconds -> ms for latencies
    if (md)
      fmt::print("| {} | {} | {} | {} | {} | {} | {} | {} | {:.1f} | {:.1f} | {:+.1f} |\n", p.row.line, e.preset,
                 e.gpu_id, e.parallel.tp, e.request_rate, e.input_tokens, e.output_tokens, p.row.metric, e.measured * k,
                 p.predicted * k, p.error_pct);
    else
      fmt::print(
          "  {:>4} {:<14} {:<9} tp{} {:>5} req/s {:>4}/{:<4} {:<24} measured {:>8.1f}  predicted {:>8.1f}  {:+6.1f}%\n",
          p.row.line, e.preset, e.gpu_id, e.parallel.tp, e.request_rate, e.input_tokens, e.output_tokens, p.row.metric,
          e.measured * k, p.predicted * k, p.error_pct);
  }
  if (md)
    fmt::print(
        "\n### Rows capplan cannot express\n\n| line | model | GPU | metric | reason |\n|---:|---|---|---|---|\n");
  else
    fmt::print("\nRows capplan cannot express:\n");
  for (const auto& p : pts) {
    if (p.expressed.expressible) continue;
    if (md)
      fmt::print("| {} | {} | {} | {} | {} |\n", p.row.line, p.row.model, p.row.gpu, p.row.metric, p.expressed.reason);
    else
      fmt::print("  line {:>4}: {} on {} ({}): {}\n", p.row.line, p.row.model, p.row.gpu, p.row.metric,
                 p.expressed.reason);
  }
  ReportSweeps(cals, {.json = false, .markdown = md, .rows = o.rows, .gaps = o.gaps}, nullptr);
  return 0;
}

}  // namespace

void RegisterValidate(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand("validate", "Compare predictions with published measurements (shared/validation)");
  cmd->add_option("--measurements", opt->measurements, "CSV of measurements (default: the built-in copy)");
  cmd->add_option("--calibration", opt->calibration,
                  "calibration JSON (default: the built-in data/calibration/perf.json)");
  cmd->add_flag("--json", opt->json, "machine-readable output");
  cmd->add_flag("--markdown", opt->markdown, "the report as Markdown (docs/validation.md)");
  cmd->add_flag("--fit", opt->fit, "fit the calibration to the measurements and print it as JSON");
  cmd->add_flag("--cross-validate", opt->cross_validate,
                "out-of-sample error of the fit: leave-one-model-out, and on the serving sweeps leave-one-GPU-out too");
  cmd->add_flag("--rows", opt->rows, "print every serving-sweep row, not only the summaries");
  cmd->add_flag("--gaps", opt->gaps, "list every serving-sweep row capplan cannot express, with the reason");
  cmd->add_option("--write-bands", opt->write_bands,
                  "with --cross-validate: write the error bands (data/validation/error-bands.csv format) to FILE");
  cmd->callback([opt, &exit_code] { exit_code = RunValidate(*opt); });
}

}  // namespace capplan::cli
