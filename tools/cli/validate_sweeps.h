// The serving-sweeps part of `capplan validate`: per-row and summarised errors, gaps, the per-engine fit,
// cross-validation by model and by GPU, and the error-band file.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "capplan/perf.h"

namespace capplan::cli {

struct SweepReportOptions {
  bool json = false;
  bool markdown = false;
  bool rows = false;  // every row, not only the summaries
  bool gaps = false;  // every row capplan cannot express, not only the counts per reason
};

/// Prints the sweep validation with `cals`; into `json_out` instead when options.json.
void ReportSweeps(const std::vector<PerfCalibration>& cals, const SweepReportOptions& o, nlohmann::json* json_out);
/// Fits every (engine, family) set on the sweeps; returns the calibration entries (engine-independent priors
/// first) as the JSON of data/calibration/perf.json.
nlohmann::json FitSweepsJson(const std::vector<PerfCalibration>& cals);

/// One calibration set as `validate --fit` prints it (the family keys; the engine keys when it is an engine's).
nlohmann::json CalibrationJson(const PerfCalibration& c);
/// Leave-one-model-out and leave-one-GPU-out on the sweeps, printed; writes the bands CSV to `bands_path` when set.
int CrossValidateSweepsReport(const std::vector<PerfCalibration>& cals, bool markdown, const std::string& bands_path);

}  // namespace capplan::cli
