// Validation against measured serving sweeps (data/validation/serving-sweeps.csv): every row parsed once into
// typed fields, translated into a capplan deployment and a closed loop of clients, or listed as a gap with the
// reason; predictions by the analytic closed-loop steady state; error summaries; the per-(engine, GPU family)
// fit of the step model's constants; leave-one-model-out and leave-one-GPU-out cross-validation; and the error
// bands every prediction carries, from the out-of-sample residuals of its regime.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capplan/deployment.h"
#include "capplan/error.h"
#include "capplan/model.h"
#include "capplan/perf.h"

namespace capplan {

// ---- Published measurements (data/validation/published-measurements.csv): max-load and online rows

/// One row of data/validation/published-measurements.csv (columns as in shared/validation/README.md).
struct MeasurementRow {
  int line = 0;  // 1-based line in the file (header = 1)
  std::string source, model, weights_dtype, kv_dtype, framework, gpu, gpu_count, tp, ep, pp, dp;
  std::string input_len, output_len, concurrency, request_rate, metric, value, unit, notes;
};
Result<std::vector<MeasurementRow>> ParseMeasurementsCsv(std::string_view text, std::string_view source_name);
/// The built-in copy (embedded data/validation/published-measurements.csv).
const std::vector<MeasurementRow>& BuiltInMeasurements();

/// A row translated into capplan's terms, or the reason it cannot be.
struct ExpressedRow {
  bool expressible = false;
  std::string reason;  // why not, when not
  std::string kind;    // "max_load" or "online"
  std::string preset, gpu_id;
  DType weights = DType::kBF16;
  DType kv = DType::kBF16;
  Parallelism parallel;
  int64_t input_tokens = 0, output_tokens = 0;
  double request_rate = 0;  // online rows, requests/s
  double measured = 0;      // in the row's unit, converted to seconds for latencies
};
ExpressedRow ExpressRow(const MeasurementRow& r);
/// The deployment a published row ran: its GPU, layout and precisions on the TensorRT-LLM profile.
/// REQUIRES: e.expressible.
Result<Deployment> RowDeployment(const ExpressedRow& e);

struct ValidationPoint {
  MeasurementRow row;
  ExpressedRow expressed;
  double predicted = 0;  // same unit as expressed.measured
  double error_pct = 0;  // (predicted - measured) / measured x 100
  std::string bound;
  int concurrency = 0;
  std::string concurrency_limit;
};

/// Predicts every expressible max-load row with `calibrations` (by GPU family).
std::vector<ValidationPoint> ValidateMaxLoad(const std::vector<MeasurementRow>& rows,
                                             const std::vector<PerfCalibration>& calibrations);

struct ErrorSummary {
  std::string group;
  int n = 0;
  double median_abs_pct = 0;
  double mean_abs_pct = 0;
  double mean_signed_pct = 0;  // bias: positive = over-prediction
};
/// Summaries over the points, grouped by `key` ("all", "model", "gpu", "metric", "family").
std::vector<ErrorSummary> SummariseErrors(const std::vector<ValidationPoint>& points, std::string_view key);

/// Coordinate descent on one family's efficiencies minimising the median absolute % error of its
/// max-load rows. Returns the fitted calibration; the fit is reproducible (deterministic grid).
PerfCalibration FitCalibration(const std::vector<MeasurementRow>& rows, const PerfCalibration& start);

/// Leave-one-model-out cross-validation of the fit: for each model, refit every family's calibration
/// (starting from `start`) on the other models' max-load rows and predict the held-out model's rows.
/// The returned points are out-of-sample predictions.
std::vector<ValidationPoint> CrossValidateByModel(const std::vector<MeasurementRow>& rows,
                                                  const std::vector<PerfCalibration>& start);

// ---- Serving sweeps (data/validation/serving-sweeps.csv)

/// One worker layout of a sweep row (the aggregated worker, or a disaggregated prefill or decode pool).
struct SweepLayout {
  std::optional<int> batch_size, num_workers, tp, pp, attention_dp, moe_tp, moe_ep;
};

/// One row of serving-sweeps.csv, every column typed (empty cells are absent optionals or empty strings).
struct SweepRow {
  int line = 0;  // 1-based line in the file (header = 1)
  std::string id, source, backend, backend_version, model_path, system, precision, mode;
  std::string gemm_quant_mode, moe_quant_mode;
  int64_t isl = 0, osl = 0;
  SweepLayout agg, prefill, decode;
  std::optional<int> concurrency;  // silicon_concurrency=N in the source column: the closed loop's clients
  std::optional<double> ttft_ms, tpot_ms;
};

/// Parses the file; errors name the file, line and column: "serving-sweeps.csv:12: tp_size='x' is not an integer".
Result<std::vector<SweepRow>> ParseSweepsCsv(std::string_view text, std::string_view source_name);
/// The built-in copy (embedded data/validation/serving-sweeps.csv).
const std::vector<SweepRow>& BuiltInSweeps();

/// A row in capplan's terms, or the reason it cannot be expressed.
struct SweepCase {
  const SweepRow* row = nullptr;
  bool expressible = false;
  std::string reason;
  std::string model;   // capplan's model name (preset)
  std::string gpu_id;  // catalog id
  std::string family;  // PerfFamilyOf(gpu)
  bool moe = false;
  std::shared_ptr<const ModelSpec> spec;  // shared by the rows of one model
  Deployment deployment;
  int clients = 0;
  int kv_sequences = 0;  // what the KV pool holds at isl + osl (memory budget, computed once)
  double ttft_s = 0, tpot_s = 0;
  /// Disaggregated rows: `deployment` is one prefill worker, `decode` one decode worker (each its own layout and
  /// batch cap); predicted by the disaggregated simulator (src/sim/disagg.h), never used to fit constants.
  bool disagg = false;
  Deployment decode = {};
  int prefill_workers = 1, decode_workers = 1;
  int64_t decode_kv_tokens = 0;  // one decode worker's KV pool, tokens (all its attention-DP ranks)
  int decode_max_seqs = 0;       // one decode worker's running cap (batch cap, KV capacity)
  /// "agg", "attention_dp" (agg with attention_dp_size > 1) or "disagg": the issue-14 modes reported apart.
  std::string layout_mode = "agg";
};

/// Translates every row (models loaded once). Rows whose model or layout capplan cannot express yet keep their
/// reason: attention-DP / disaggregated layouts, model families not supported, missing concurrency or metrics.
std::vector<SweepCase> ExpressSweeps(const std::vector<SweepRow>& rows);

/// One predicted row: both metrics.
struct SweepPoint {
  const SweepCase* c = nullptr;
  double ttft_pred_s = 0, tpot_pred_s = 0;
  double ttft_err_pct = 0, tpot_err_pct = 0;  // (predicted - measured) / measured x 100
  /// Output tokens/s of the row's closed loop, by Little's law on the mean latencies (N clients x osl / (TTFT +
  /// (osl - 1) x TPOT)), measured (from the row's own means) and predicted.
  double tput_meas = 0, tput_pred = 0, tput_err_pct = 0;
  std::string bound = {};  // what limits the steady-state step
  std::string running_limit = {};
};

/// Requests a disaggregated row is simulated with: its clients' first wave and one more (the measured mean of a
/// closed-loop benchmark includes both; more rounds cost simulation time in `capplan validate`).
inline constexpr int kDisaggRequestsPerClient = 2;

/// Predicts every expressible case with the (engine, family) constants from `calibrations`; disaggregated rows
/// through SimulateDisaggregated with a closed loop of the row's clients.
std::vector<SweepPoint> PredictSweeps(const std::vector<SweepCase>& cases,
                                      const std::vector<PerfCalibration>& calibrations);

struct SweepSummary {
  std::string group;
  std::string metric;  // "ttft", "tpot" or "throughput"
  int n = 0;
  double median_abs_pct = 0, mean_signed_pct = 0;
};
/// Summaries grouped by `key`: "engine", "engine_gpu", "engine_gpu_model" (metric always split).
std::vector<SweepSummary> SummariseSweeps(const std::vector<SweepPoint>& points, std::string_view key);

/// The constants a per-(engine, family) fit moves, each a physical quantity (docs/validation.md): achievable HBM
/// bandwidth, large-GEMM efficiency, the GEMM half-efficiency size, the experts' half-efficiency size, host time
/// per step and per sequence, launch time per layer, the benchmark harness's first-wave share of requests, and
/// the API server's time per request (request_overhead); and the fixed time per GEMM kernel (gemm_launch_overhead).
inline constexpr int kFittedConstantsPerSet = 10;

/// Fits the (engine, family) set `start` on the cases of that engine and family. Deterministic.
PerfCalibration FitEngineCalibration(const std::vector<SweepCase>& cases, const PerfCalibration& start);
/// Fits every (engine, family) set that has cases, starting from the family priors in `priors`.
std::vector<PerfCalibration> FitAllEngines(const std::vector<SweepCase>& cases,
                                           const std::vector<PerfCalibration>& priors);

/// Out-of-sample predictions: for each held-out model (or GPU), refit every set on the other cases and predict it.
std::vector<SweepPoint> CrossValidateSweeps(const std::vector<SweepCase>& cases,
                                            const std::vector<PerfCalibration>& priors,
                                            std::string_view by /* "model" or "gpu" */);

/// An error band: measured / predicted falls within [low, high] for the middle 80% of the `count` comparable
/// out-of-sample measurements of the regime.
struct ErrorBand {
  std::string regime = {};  // e.g. "vllm moe hopper"
  double low = 1, high = 1;
  int count = 0;
};
/// Bands per regime (engine, dense or MoE, GPU family) and metric, from out-of-sample points.
std::map<std::string, ErrorBand> BandsFromPoints(const std::vector<SweepPoint>& points, std::string_view metric);
/// The band of a deployment from the built-in band file (data/validation/error-bands.json); count 0 when none.
ErrorBand ErrorBandFor(const Deployment& d, const ModelSpec& m, std::string_view metric);

/// Online-serving rows of the published measurements (TTFT / ITL means and throughput at a Poisson request
/// rate) predicted by the simulator over the roofline model (SimulateDeployment): `requests` requests per row,
/// same seed.
std::vector<ValidationPoint> ValidateOnline(const std::vector<MeasurementRow>& rows,
                                            const std::vector<PerfCalibration>& calibrations, int64_t requests = 1000);

}  // namespace capplan
