// The serving simulator: a discrete-event simulation of replicas behind a load balancer, each
// running a vLLM-style continuous-batching scheduler (chunked prefill under a per-step token budget,
// max_num_seqs, paged KV blocks, preemption by recompute, FCFS). Step durations come only from a
// StepTimeModel (capplan/step_time.h). Every metric is defined once in docs/metrics.md; the field
// names below are those names. Deterministic: the same inputs and seed give the same result.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string_view>
#include <vector>

#include "capplan/error.h"
#include "capplan/step_time.h"
#include "capplan/units.h"
#include "capplan/work_budget.h"

namespace capplan {

// ---------------------------------------------------------------- workload

/// One request of the stream: when it arrives and how many tokens it reads and writes.
struct Request {
  Seconds arrival;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
};

enum class ArrivalProcess { kPoisson, kGamma, kConstant, kTrace };
enum class LengthDistribution { kFixed, kUniform, kLognormal, kTrace };

/// A token-length distribution. kFixed uses `value`; kUniform draws integers in [min, max];
/// kLognormal has the given arithmetic `mean` and log-space `sigma` (mu = ln(mean) - sigma^2/2),
/// rounded to the nearest integer and clamped to [1, max] (max <= 0: no upper clamp); kTrace takes
/// the lengths of WorkloadSpec::trace in order (cycling when the trace is shorter).
struct LengthSpec {
  LengthDistribution kind = LengthDistribution::kFixed;
  int64_t value = 512;
  int64_t min = 1;
  int64_t max = 0;
  double mean = 512;
  double sigma = 0.5;
};

/// What arrives. Exactly one of `duration` (arrivals in [0, duration)) and `num_requests` bounds the
/// stream, except with kTrace arrivals, where both are optional and truncate the trace.
struct WorkloadSpec {
  ArrivalProcess arrival = ArrivalProcess::kPoisson;
  double rate_per_second = 1.0;  // mean arrival rate (ignored for kTrace)
  double gamma_cv = 1.0;         // kGamma: coefficient of variation of inter-arrival times
  LengthSpec input{.value = 512};
  LengthSpec output{.value = 128, .mean = 128};
  std::optional<Seconds> duration;
  std::optional<int64_t> num_requests;
  std::vector<Request> trace;  // source for kTrace arrivals or lengths (see ParseTrace)
};

/// Bounds that keep one simulation small enough for a server to accept.
struct SimLimits {
  int64_t max_requests = 2'000'000;
  int64_t max_steps = 200'000'000;
  int64_t max_time_series_points = 1'000'000;
  int64_t max_replicas = 4096;   // each replica is a scheduler with its own queues
  WorkBudget* budget = nullptr;  // charged every step (the server's per-request cost, deadline and cancellation)
};

/// The requests of `spec`, sorted by arrival, deterministic for `seed`.
/// Errors: kInvalidArgument naming the WorkloadSpec field; kResourceLimit over limits.max_requests.
Result<std::vector<Request>> GenerateWorkload(const WorkloadSpec& spec, uint64_t seed, const SimLimits& limits = {});

/// Parses a trace: CSV with a header naming the columns arrival_seconds, input_tokens, output_tokens
/// (any order, extra columns ignored), or JSONL (one object per line with those keys), chosen by
/// the first non-blank character ('{' means JSONL). Blank lines and lines starting with '#' are
/// skipped. Errors name the source, line and field: "trace.csv:3: input_tokens='x' is not an integer".
Result<std::vector<Request>> ParseTrace(std::string_view text, std::string_view source_name);

// ---------------------------------------------------------------- configuration

enum class LoadBalancer { kRoundRobin, kLeastOutstandingRequests };

/// One replica's scheduler, with vLLM's names.
struct SchedulerConfig {
  int max_num_seqs = 256;                 // most sequences in one step (running set size)
  int64_t max_num_batched_tokens = 8192;  // token budget per step; prompts longer than it are chunked
  int64_t kv_capacity_tokens = 1 << 20;   // KV-cache slots of one replica, from the memory budget
  int64_t kv_block_tokens = 16;           // paged-attention block size; capacity is whole blocks
};

/// Per-request service-level objectives; an unset one does not constrain.
struct Slo {
  std::optional<Seconds> ttft;
  std::optional<Seconds> tpot;
  std::optional<Seconds> e2e;
};

struct SimConfig {
  int replicas = 1;
  LoadBalancer load_balancer = LoadBalancer::kRoundRobin;
  SchedulerConfig scheduler;
  uint64_t seed = 0;  // seeds workload generation
  SimLimits limits;
  Slo slo;                                      // for goodput
  bool record_requests = false;                 // fill SimResult::requests
  std::optional<Seconds> time_series_interval;  // fill SimResult::time_series at this spacing
  // Per replica, the time from which the load balancer sends it requests (a replica still loading its weights);
  // empty: every replica serves from 0. When given, one entry per replica, finite, >= 0, and at least one at 0.
  // Requests already queued on a replica stay there (engine routers do not migrate queued requests).
  std::vector<Seconds> replica_ready_at;
};

// ---------------------------------------------------------------- results

/// Lifecycle of one request; a timestamp is absent until the event happens.
struct RequestRecord {
  int64_t id = 0;  // index in arrival order
  int replica = 0;
  Seconds arrival;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  std::optional<Seconds> first_scheduled_at;
  std::optional<Seconds> first_token_at;
  std::optional<Seconds> finished_at;
  int preemptions = 0;
};

/// A latency distribution (docs/metrics.md, "Percentiles"); zeros when count == 0.
struct LatencySummary {
  int64_t count = 0;
  Seconds mean, p50, p90, p95, p99;
};

struct Throughput {
  double output_tokens_per_second = 0;
  double total_tokens_per_second = 0;  // input + output tokens of completed requests
  double requests_per_second = 0;
};

struct KvCacheUtilization {
  double mean = 0;  // time-weighted over the window, all replicas, in [0, 1]
  double max = 0;
};

struct BatchSizeSummary {  // sequences per step (prefill chunks + decodes), over steps
  double mean = 0;
  double p50 = 0;
  double p99 = 0;
  int max = 0;
};

struct SimMetrics {
  int64_t completed_requests = 0;
  Seconds window;  // first arrival to last token: the denominator of every rate
  LatencySummary ttft, tpot, itl, e2e, queueing_delay;
  Throughput throughput;
  double goodput_requests_per_second = 0;
  KvCacheUtilization kv_cache_utilization;
  int64_t preemptions = 0;
  BatchSizeSummary batch_size;
  int64_t steps = 0;   // engine steps over all replicas
  int64_t events = 0;  // events the simulator processed (arrivals, wake-ups, step ends)
};

/// State of the whole deployment at one instant.
struct TimeSeriesPoint {
  Seconds time;
  int running = 0;                  // sequences in the replicas' running sets
  int waiting = 0;                  // queued or preempted requests
  double kv_cache_utilization = 0;  // used blocks / total blocks, all replicas
  int64_t completed_requests = 0;
};

struct SimResult {
  SimMetrics metrics;
  std::vector<RequestRecord> requests;       // when SimConfig::record_requests
  std::vector<TimeSeriesPoint> time_series;  // when SimConfig::time_series_interval
};

// ---------------------------------------------------------------- running

/// Serves `requests` (any order; sorted by arrival inside) until every request finishes.
/// Errors: kInvalidArgument for a bad config or a request that cannot fit in one replica's KV
/// cache; kResourceLimit past config.limits: refused before running when the replicas, the requests, a lower bound
/// on the engine steps (output tokens / max_num_seqs, and the longest output) or on the time-series points
/// (last arrival / interval) exceed them; stopped when the steps or points run past them anyway.
Result<SimResult> Simulate(const SimConfig& config, const std::vector<Request>& requests, const StepTimeModel& model);
/// GenerateWorkload(workload, config.seed, config.limits), then Simulate.
Result<SimResult> Simulate(const SimConfig& config, const WorkloadSpec& workload, const StepTimeModel& model);

/// A closed loop of `clients` clients (what `vllm bench serve --max-concurrency`, `trtllm-bench --concurrency`,
/// genai-perf and aiperf run): every client sends its first request at time 0 and its next one the moment its
/// previous one finishes (the next step can schedule it). The metrics exclude the first `warmup_requests`
/// requests sent (the synchronised start) and measure throughput from the first measured send to the last
/// send, so the drain at the end, with fewer clients, is excluded too; latencies cover the requests sent in that
/// span (docs/metrics.md, "Closed loop").
struct ClosedLoopSpec {
  int clients = 1;
  int64_t warmup_requests = -1;  // < 0: DefaultWarmupRequests(clients)
};

/// The default warm-up of a closed loop: one round of requests per client.
int64_t DefaultWarmupRequests(int clients);
/// The default number of requests of a closed loop: the warm-up, four measured rounds per client (at least 200
/// measured requests) and one round for the drain.
int64_t DefaultClosedLoopRequests(int clients);

/// Serves `requests` (their lengths, in order; arrival times are ignored) from a closed loop of clients.
/// Errors: as Simulate, and kInvalidArgument when clients < 1 or there are not more requests than the warm-up plus
/// one round of clients (nothing would be measured).
Result<SimResult> SimulateClosedLoop(const SimConfig& config, const ClosedLoopSpec& loop,
                                     const std::vector<Request>& requests, const StepTimeModel& model);

/// p95 targets of a load sweep; an unset one does not constrain.
struct SloTargets {
  std::optional<Seconds> ttft_p95;
  std::optional<Seconds> tpot_p95;
  std::optional<Seconds> e2e_p95;
};

struct LoadSweepSpec {
  WorkloadSpec workload;  // rate_per_second is what the sweep varies
  SloTargets targets;
  double initial_rate_per_second = 1.0;
  double relative_tolerance = 0.01;  // stop when (high - low) <= tolerance * high
  int max_simulations = 60;
};

struct LoadSweepPoint {
  double rate_per_second = 0;
  bool meets_targets = false;
  SimMetrics metrics;
};

struct LoadSweepResult {
  bool found = false;                  // false when even the lowest rate tried misses a target
  double max_rate_per_second = 0;      // highest rate that met every target
  std::vector<LoadSweepPoint> points;  // every simulation, in the order run
  /// Why no rate can meet the targets, from the analytic floor (one request alone), found before any
  /// simulation; empty otherwise.
  std::string unreachable;
};

/// Finds the highest arrival rate meeting `spec.targets` by doubling/halving from the initial
/// rate to bracket it, then bisecting. Each point reuses config.seed (common random numbers).
/// `progress` (optional) receives a non-decreasing fraction in [0, 1], ending at 1.
Result<LoadSweepResult> LoadSweep(const SimConfig& config, const LoadSweepSpec& spec, const StepTimeModel& model,
                                  const std::function<void(double fraction)>& progress = {});

/// True when `metrics` meets every set target.
bool MeetsTargets(const SimMetrics& metrics, const SloTargets& targets);

// ---------------------------------------------------------------- writers

/// One CSV row per request: id,replica,arrival_seconds,input_tokens,output_tokens,
/// first_scheduled_seconds,first_token_seconds,finished_seconds,queueing_delay_seconds,ttft_seconds,
/// tpot_seconds,e2e_seconds,preemptions. Absent values are empty cells.
void WriteRequestsCsv(const std::vector<RequestRecord>& requests, std::ostream& out);
/// time_seconds,running,waiting,kv_cache_utilization,completed_requests.
void WriteTimeSeriesCsv(const std::vector<TimeSeriesPoint>& series, std::ostream& out);

}  // namespace capplan
