// The event loop: arrivals, wake-ups and step ends ordered by one comparator on (time, seq).
// Every arrival is queued up front with the lowest sequence numbers, so at equal times arrivals
// are routed before any replica forms its next batch, and a wake-up (queued on the first arrival
// at an idle replica) lets every request arriving at that instant join the same step.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <queue>
#include <string>

#include "capplan/sim.h"
#include "sim/metrics.h"
#include "sim/replica.h"

namespace capplan {
namespace {

using sim::Replica;
using sim::Sequence;

enum class EventKind { kArrival, kWake, kStepEnd };

struct Event {
  Seconds time;
  uint64_t seq = 0;
  EventKind kind = EventKind::kArrival;
  int64_t index = 0;  // request id for arrivals, replica otherwise
};

// The one definition of event order; std::priority_queue pops the greatest, so "later" is greater.
struct Later {
  bool operator()(const Event& a, const Event& b) const { return a.time != b.time ? a.time > b.time : a.seq > b.seq; }
};

Status ValidateConfig(const SimConfig& c) {
  auto at_least = [](int64_t value, int64_t min, const char* field) -> Status {
    if (value >= min) return Ok{};
    return Error::InvalidArgument(
        "SimConfig: " + std::string(field) + "=" + std::to_string(value) + " must be at least " + std::to_string(min),
        field);
  };
  CAPPLAN_RETURN_IF_ERROR(at_least(c.replicas, 1, "replicas"));
  if (c.replicas > c.limits.max_replicas) {
    return Error::ResourceLimit("SimConfig: replicas=" + std::to_string(c.replicas) + " over the limit of " +
                                    std::to_string(c.limits.max_replicas) + " (SimConfig.limits.max_replicas)",
                                "replicas");
  }
  CAPPLAN_RETURN_IF_ERROR(at_least(c.scheduler.max_num_seqs, 1, "max_num_seqs"));
  CAPPLAN_RETURN_IF_ERROR(at_least(c.scheduler.max_num_batched_tokens, 1, "max_num_batched_tokens"));
  CAPPLAN_RETURN_IF_ERROR(at_least(c.scheduler.kv_block_tokens, 1, "kv_block_tokens"));
  CAPPLAN_RETURN_IF_ERROR(at_least(c.scheduler.kv_capacity_tokens, c.scheduler.kv_block_tokens, "kv_capacity_tokens"));
  if (c.time_series_interval && !(c.time_series_interval->v > 0)) {
    return Error::InvalidArgument("SimConfig: time_series_interval must be positive", "time_series_interval");
  }
  if (!c.replica_ready_at.empty()) {
    if (std::ssize(c.replica_ready_at) != c.replicas)
      return Error::InvalidArgument(fmt::format("SimConfig: replica_ready_at has {} entries for {} replicas",
                                                c.replica_ready_at.size(), c.replicas),
                                    "replica_ready_at");
    bool one_at_zero = false;
    for (const Seconds t : c.replica_ready_at) {
      if (!std::isfinite(t.v) || t.v < 0)
        return Error::InvalidArgument("SimConfig: replica_ready_at must be finite and >= 0", "replica_ready_at");
      one_at_zero = one_at_zero || t.v == 0;
    }
    if (!one_at_zero)
      return Error::InvalidArgument("SimConfig: replica_ready_at needs at least one replica ready at 0",
                                    "replica_ready_at");
  }
  return Ok{};
}

// A request must fit in one replica's KV cache on its own, or it would preempt itself forever.
// Its largest footprint is input + output - 1 tokens: the last token is emitted, never cached.
Status ValidateRequest(const Request& r, size_t index, const SchedulerConfig& s) {
  const std::string where = "request " + std::to_string(index) + ": ";
  if (!std::isfinite(r.arrival.v) || r.arrival.v < 0) {
    return Error::InvalidArgument(where + "arrival must be a finite time >= 0 s", "arrival_seconds");
  }
  if (r.input_tokens < 1) {
    return Error::InvalidArgument(where + "input_tokens=" + std::to_string(r.input_tokens) + " must be at least 1",
                                  "input_tokens");
  }
  if (r.output_tokens < 1) {
    return Error::InvalidArgument(where + "output_tokens=" + std::to_string(r.output_tokens) + " must be at least 1",
                                  "output_tokens");
  }
  // Saturating: a trace may hold token counts near INT64_MAX, whose sum would overflow.
  const int64_t peak = r.input_tokens > std::numeric_limits<int64_t>::max() - r.output_tokens
                           ? std::numeric_limits<int64_t>::max()
                           : r.input_tokens + r.output_tokens - 1;
  const int64_t blocks = peak / s.kv_block_tokens + (peak % s.kv_block_tokens != 0 ? 1 : 0);
  if (blocks > s.kv_capacity_tokens / s.kv_block_tokens) {
    return Error::InvalidArgument(
        where + "input_tokens + output_tokens - 1 = " + std::to_string(peak) +
            " tokens do not fit in kv_capacity_tokens=" + std::to_string(s.kv_capacity_tokens),
        "kv_capacity_tokens");
  }
  return Ok{};
}

// Refuses, before any work, a simulation whose size is already known to pass the limits: a step emits at most one
// token per running sequence, so the steps (over all replicas) are at least the output tokens over max_num_seqs, and
// at least the longest output; the time series has at least one point per interval up to the last arrival.
Status CheckWorkWithinLimits(const SimConfig& config, const std::vector<Request>& requests) {
  double output_tokens = 0;
  int64_t longest = 0;
  double last_arrival = 0;
  for (const Request& r : requests) {
    output_tokens += static_cast<double>(r.output_tokens);
    longest = std::max(longest, r.output_tokens);
    last_arrival = std::max(last_arrival, r.arrival.v);
  }
  const double min_steps = std::max(output_tokens / config.scheduler.max_num_seqs, static_cast<double>(longest));
  if (min_steps > static_cast<double>(config.limits.max_steps)) {
    return Error::ResourceLimit(fmt::format("simulation needs at least {:.0f} engine steps, over the limit of {} "
                                            "(SimConfig.limits.max_steps); simulate fewer or shorter requests",
                                            min_steps, config.limits.max_steps),
                                "max_steps");
  }
  if (config.time_series_interval) {
    const double min_points = last_arrival / config.time_series_interval->v;
    if (min_points > static_cast<double>(config.limits.max_time_series_points)) {
      return Error::ResourceLimit(fmt::format("time series needs at least {:.0f} points, over the limit of {} "
                                              "(SimConfig.limits.max_time_series_points); raise the interval",
                                              min_points, config.limits.max_time_series_points),
                                  "max_time_series_points");
    }
  }
  return Ok{};
}

class Simulator {
 public:
  Simulator(const SimConfig& config, const StepTimeModel& model) : config_(config), model_(model) {
    replicas_.assign(static_cast<size_t>(config.replicas), Replica(config.scheduler));
    step_start_.resize(replicas_.size());
  }

  // Closed loop: the first `clients` requests arrive at 0; each finish releases the next one at once.
  Result<SimResult> RunClosedLoop(const std::vector<Request>& requests, int clients, int64_t warmup) {
    loop_requests_ = &requests;
    seqs_.reserve(requests.size());
    const int64_t n = static_cast<int64_t>(requests.size());
    const int64_t first = std::min<int64_t>(clients, n);
    for (int64_t i = 0; i < first; ++i) Release(Seconds{0});
    // The last send starts the drain; the warm-up's last send starts the measurement.
    warmup_ = warmup;
    measure_end_id_ = n - clients;
    CAPPLAN_RETURN_IF_ERROR(Loop());
    CAPPLAN_RETURN_IF_ERROR(Sample(now_, /*inclusive=*/true));
    sim::MeasureWindow window{.first_id = warmup, .end_id = measure_end_id_};
    if (warmup < n) window.start = seqs_[static_cast<size_t>(warmup)].arrival;
    window.end = seqs_.back().arrival;
    return Finish(window);
  }

  Result<SimResult> Run(const std::vector<Request>& requests) {
    std::vector<size_t> order(requests.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return requests[a].arrival < requests[b].arrival; });
    seqs_.reserve(requests.size());
    std::vector<Event> heap;
    heap.reserve(requests.size() + replicas_.size() * 2);
    queue_ = std::priority_queue<Event, std::vector<Event>, Later>(Later{}, std::move(heap));
    for (size_t i : order) {
      const Request& r = requests[i];
      Sequence& s = seqs_.emplace_back();
      s.arrival = r.arrival;
      s.input_tokens = r.input_tokens;
      s.output_tokens = r.output_tokens;
      Push(r.arrival, EventKind::kArrival, static_cast<int64_t>(seqs_.size() - 1));
    }
    CAPPLAN_RETURN_IF_ERROR(Loop());
    CAPPLAN_RETURN_IF_ERROR(Sample(now_, /*inclusive=*/true));
    return Finish({});
  }

 private:
  Status Loop() {
    while (!queue_.empty()) {
      const Event e = queue_.top();
      queue_.pop();
      ++events_;
      CAPPLAN_RETURN_IF_ERROR(Sample(e.time, /*inclusive=*/false));
      now_ = e.time;
      if (e.kind == EventKind::kArrival) {
        Arrive(e.index);
        continue;
      }
      Replica& replica = replicas_[static_cast<size_t>(e.index)];
      if (e.kind == EventKind::kWake) {
        replica.wake_pending = false;
      } else {
        replica.CompleteStep(seqs_, step_start_[static_cast<size_t>(e.index)], now_, stats_);
        // A closed-loop client sends its next request when its previous one finishes; it joins the next step.
        if (loop_requests_ != nullptr) {
          for (size_t k = 0; k < stats_.finished_ids.size(); ++k) Release(now_);
        }
        stats_.finished_ids.clear();
      }
      CAPPLAN_RETURN_IF_ERROR(StartStep(static_cast<int>(e.index)));
    }
    return Ok{};
  }

  // Sends the next closed-loop request at `t`, if any are left. The warm-up's end resets the step counters
  // (inter-token latencies, batch sizes) so that they, like the latencies, describe the steady state.
  void Release(Seconds t) {
    const size_t id = seqs_.size();
    if (id >= loop_requests_->size()) return;
    const Request& r = (*loop_requests_)[id];
    Sequence& s = seqs_.emplace_back();
    s.arrival = t;
    s.input_tokens = r.input_tokens;
    s.output_tokens = r.output_tokens;
    if (static_cast<int64_t>(id) == warmup_) {
      stats_.itl.clear();
      std::fill(stats_.batch_sizes.begin(), stats_.batch_sizes.end(), 0);
    }
    now_ = t;
    Arrive(static_cast<int64_t>(id));
  }

  void Push(Seconds time, EventKind kind, int64_t index) { queue_.push(Event{time, next_seq_++, kind, index}); }

  bool Ready(size_t r) const { return config_.replica_ready_at.empty() || config_.replica_ready_at[r] <= now_; }

  // Among the replicas ready now (ValidateConfig keeps one ready from 0).
  int Route() {
    if (config_.load_balancer == LoadBalancer::kRoundRobin) {
      for (;;) {
        const size_t r = round_robin_++ % replicas_.size();
        if (Ready(r)) return static_cast<int>(r);
      }
    }
    int best = -1;
    for (size_t r = 0; r < replicas_.size(); ++r) {
      if (!Ready(r)) continue;
      if (best < 0 || replicas_[r].outstanding() < replicas_[static_cast<size_t>(best)].outstanding())
        best = static_cast<int>(r);
    }
    return best;
  }

  void Arrive(int64_t id) {
    const int r = Route();
    seqs_[static_cast<size_t>(id)].replica = r;
    Replica& replica = replicas_[static_cast<size_t>(r)];
    replica.Enqueue(id);
    if (!replica.busy && !replica.wake_pending) {
      replica.wake_pending = true;
      Push(now_, EventKind::kWake, r);
    }
  }

  Status StartStep(int r) {
    Replica& replica = replicas_[static_cast<size_t>(r)];
    replica.busy = replica.FormBatch(seqs_, now_, shape_, stats_);
    if (!replica.busy) return Ok{};
    if (config_.limits.budget)
      CAPPLAN_RETURN_IF_ERROR(config_.limits.budget->Charge(shape_.prefill_sequences + shape_.decode_sequences));
    if (++steps_ > config_.limits.max_steps) {
      return Error::ResourceLimit("simulation exceeds the limit of " + std::to_string(config_.limits.max_steps) +
                                      " engine steps (SimConfig.limits.max_steps)",
                                  "max_steps");
    }
    const Seconds duration = model_.StepTime(shape_);
    if (!(duration.v > 0) || !std::isfinite(duration.v)) {
      return Error::InvalidArgument("step-time model returned " + std::to_string(duration.v) + " s for a step of " +
                                    std::to_string(shape_.TotalTokens()) + " tokens; it must be positive and finite");
    }
    step_start_[static_cast<size_t>(r)] = now_;
    Push(now_ + duration, EventKind::kStepEnd, r);
    return Ok{};
  }

  // Records the state at every sample time before `t` (or at it, when inclusive); the state is
  // constant between events, so a sample at time s shows the state after every event before s.
  Status Sample(Seconds t, bool inclusive) {
    if (!config_.time_series_interval) return Ok{};
    while (next_sample_ < t || (inclusive && next_sample_ == t)) {
      if (static_cast<int64_t>(series_.size()) >= config_.limits.max_time_series_points) {
        return Error::ResourceLimit("time series exceeds the limit of " +
                                        std::to_string(config_.limits.max_time_series_points) +
                                        " points (SimConfig.limits.max_time_series_points); raise the interval",
                                    "max_time_series_points");
      }
      TimeSeriesPoint p{.time = next_sample_, .completed_requests = stats_.completed};
      int64_t used = 0, total = 0;
      for (const Replica& replica : replicas_) {
        p.running += replica.running();
        p.waiting += replica.waiting();
        used += replica.used_blocks();
        total += replica.total_blocks();
      }
      p.kv_cache_utilization = static_cast<double>(used) / static_cast<double>(total);
      series_.push_back(p);
      next_sample_ = *config_.time_series_interval * static_cast<double>(series_.size());
    }
    return Ok{};
  }

  SimResult Finish(const sim::MeasureWindow& window) {
    SimResult result;
    double block_seconds = 0;
    double blocks = 0;
    double max_utilization = 0;
    for (Replica& replica : replicas_) {
      block_seconds += replica.BlockSeconds(now_);
      blocks += static_cast<double>(replica.total_blocks());
      max_utilization = std::max(max_utilization, replica.max_utilization());
    }
    result.metrics = sim::ComputeMetrics(seqs_, stats_, config_.slo, window);
    // Block-seconds accumulate over the whole run; so does the span they are averaged over (a closed loop's metric
    // window is shorter than the run).
    const double span = window.start ? now_.v : result.metrics.window.v;
    if (span > 0) result.metrics.kv_cache_utilization.mean = block_seconds / (blocks * span);
    result.metrics.kv_cache_utilization.max = max_utilization;
    result.metrics.steps = steps_;
    result.metrics.events = events_;
    if (config_.record_requests) result.requests = sim::ToRecords(seqs_);
    result.time_series = std::move(series_);
    return result;
  }

  const SimConfig& config_;
  const StepTimeModel& model_;
  std::vector<Replica> replicas_;
  std::vector<Sequence> seqs_;
  std::vector<Seconds> step_start_;
  std::priority_queue<Event, std::vector<Event>, Later> queue_;
  sim::StepStats stats_;
  BatchShape shape_;
  Seconds now_;
  Seconds next_sample_;
  uint64_t next_seq_ = 0;
  uint64_t round_robin_ = 0;
  int64_t steps_ = 0;
  int64_t events_ = 0;
  std::vector<TimeSeriesPoint> series_;
  const std::vector<Request>* loop_requests_ = nullptr;  // closed loop: the requests still to send, in order
  int64_t warmup_ = -1;
  int64_t measure_end_id_ = 0;
};

}  // namespace

Result<SimResult> Simulate(const SimConfig& config, const std::vector<Request>& requests, const StepTimeModel& model) {
  CAPPLAN_RETURN_IF_ERROR(ValidateConfig(config));
  if (static_cast<int64_t>(requests.size()) > config.limits.max_requests) {
    return Error::ResourceLimit("simulation has " + std::to_string(requests.size()) + " requests, over the limit of " +
                                    std::to_string(config.limits.max_requests) + " (SimConfig.limits.max_requests)",
                                "max_requests");
  }
  for (size_t i = 0; i < requests.size(); ++i) {
    CAPPLAN_RETURN_IF_ERROR(ValidateRequest(requests[i], i, config.scheduler));
  }
  CAPPLAN_RETURN_IF_ERROR(CheckWorkWithinLimits(config, requests));
  return Simulator(config, model).Run(requests);
}

int64_t DefaultWarmupRequests(int clients) { return std::max(1, clients); }

int64_t DefaultClosedLoopRequests(int clients) {
  const int64_t n = std::max(1, clients);
  return DefaultWarmupRequests(clients) + std::max<int64_t>(4 * n, 200) + n;
}

Result<SimResult> SimulateClosedLoop(const SimConfig& config, const ClosedLoopSpec& loop,
                                     const std::vector<Request>& requests, const StepTimeModel& model) {
  CAPPLAN_RETURN_IF_ERROR(ValidateConfig(config));
  if (loop.clients < 1) {
    return Error::InvalidArgument("closed loop: clients=" + std::to_string(loop.clients) + " must be at least 1",
                                  "concurrency");
  }
  const int64_t warmup = loop.warmup_requests < 0 ? DefaultWarmupRequests(loop.clients) : loop.warmup_requests;
  const int64_t n = static_cast<int64_t>(requests.size());
  if (n <= warmup + loop.clients) {
    return Error::InvalidArgument(fmt::format("closed loop: {} requests leave none to measure after a warm-up of {} "
                                              "and a drain of {} (one per client); send more requests",
                                              n, warmup, loop.clients),
                                  "requests");
  }
  if (n > config.limits.max_requests) {
    return Error::ResourceLimit("simulation has " + std::to_string(n) + " requests, over the limit of " +
                                    std::to_string(config.limits.max_requests) + " (SimConfig.limits.max_requests)",
                                "max_requests");
  }
  for (size_t i = 0; i < requests.size(); ++i) {
    CAPPLAN_RETURN_IF_ERROR(ValidateRequest(requests[i], i, config.scheduler));
  }
  CAPPLAN_RETURN_IF_ERROR(CheckWorkWithinLimits(config, requests));
  return Simulator(config, model).RunClosedLoop(requests, loop.clients, warmup);
}

Result<SimResult> Simulate(const SimConfig& config, const WorkloadSpec& workload, const StepTimeModel& model) {
  CAPPLAN_ASSIGN_OR_RETURN(auto requests, GenerateWorkload(workload, config.seed, config.limits));
  return Simulate(config, requests, model);
}

}  // namespace capplan
