// One replica's vLLM-style scheduler (internal to the simulator). Each step it schedules, in this
// order and within max_num_batched_tokens: the running sequences in admission order (decodes first,
// since a sequence still prefilling is always among the newest admitted), then waiting requests
// FCFS while max_num_seqs and free KV blocks allow. A running sequence that needs a block when
// none is free preempts the newest running sequence (recompute: its blocks are freed and it goes to
// the front of the queue); in a step with a preemption no waiting request is admitted (vLLM v1).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "capplan/sim.h"
#include "capplan/step_time.h"
#include "sim/stats.h"

namespace capplan::sim {

/// A request inside the simulator. "known" tokens are the prompt plus the tokens generated so far;
/// "computed" tokens are those whose KV is in the cache.
struct Sequence {
  Seconds arrival;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t generated = 0;
  int64_t computed = 0;
  int64_t blocks = 0;
  bool prefilling = true;  // true until the step that computes every known token
  bool finished = false;
  int replica = 0;
  int preemptions = 0;
  Seconds last_token_at;
  std::optional<Seconds> first_scheduled_at;
  std::optional<Seconds> first_token_at;
  std::optional<Seconds> finished_at;
  int64_t Known() const { return input_tokens + generated; }
};

/// Counters the replicas add to, owned by the simulator.
struct StepStats {
  std::vector<WeightedValue> itl;    // inter-token latencies, one entry per step for the common case
  std::vector<int64_t> batch_sizes;  // histogram: steps per batch size
  int64_t preemptions = 0;
  int64_t completed = 0;
  std::vector<int64_t> finished_ids;  // requests finished by the last step, for closed-loop clients to resend
};

class Replica {
 public:
  explicit Replica(const SchedulerConfig& config);

  void Enqueue(int64_t id) {
    waiting_.push_back(id);
    ++outstanding_;
  }
  /// Forms the step starting at `now` and describes it in `shape`. False when there is no work.
  bool FormBatch(std::vector<Sequence>& seqs, Seconds now, BatchShape& shape, StepStats& stats);
  /// Applies the step formed last, which ran from `start` to `end`: emits tokens, finishes requests.
  void CompleteStep(std::vector<Sequence>& seqs, Seconds start, Seconds end, StepStats& stats);

  bool busy = false;          // a step is in flight
  bool wake_pending = false;  // a wake-up event is queued

  int outstanding() const { return outstanding_; }
  int running() const { return static_cast<int>(running_.size()); }
  int waiting() const { return static_cast<int>(waiting_.size()); }
  int64_t used_blocks() const { return used_blocks_; }
  int64_t total_blocks() const { return total_blocks_; }
  double max_utilization() const { return max_utilization_; }
  /// Integral of used blocks over time up to `now` (block-seconds).
  double BlockSeconds(Seconds now);

 private:
  struct Scheduled {
    int64_t id;
    int64_t tokens;
  };
  bool Allocate(Sequence& s, int64_t tokens);
  void Preempt(std::vector<Sequence>& seqs, int64_t id, StepStats& stats);
  void Schedule(Sequence& s, int64_t id, int64_t tokens, BatchShape& shape);

  SchedulerConfig config_;
  int64_t total_blocks_;
  int64_t used_blocks_ = 0;
  int outstanding_ = 0;
  double block_seconds_ = 0;
  Seconds block_seconds_until_;
  double max_utilization_ = 0;
  std::deque<int64_t> waiting_;
  std::vector<int64_t> running_;
  std::vector<Scheduled> scheduled_;
};

}  // namespace capplan::sim
