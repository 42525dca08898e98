// What one request may spend: estimated cost (engine steps x sequences in each step, the simulator's real work,
// not tokens: a 110-byte /api/plan ran 33 minutes, issue 17), a wall-clock deadline, and a cancellation probe (the
// client went away). The simulator charges it every step and the search between candidates, so a request stops
// while running, not only by a guess before it starts. Header-only: sim and search check it, the server makes it.
#pragma once

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "capplan/error.h"

namespace capplan {

class WorkBudget {
 public:
  using Clock = std::chrono::steady_clock;

  /// The deadline is `start` + `wall_limit` (start: when the request arrived, so queueing counts). `cancelled` is
  /// polled now and then (it may make a system call); empty: never cancelled.
  WorkBudget(int64_t max_cost, Clock::time_point start, std::chrono::milliseconds wall_limit,
             std::function<bool()> cancelled = {})
      : max_cost_(max_cost), deadline_(start + wall_limit), wall_limit_(wall_limit), cancelled_(std::move(cancelled)) {}

  /// Spends `cost` (sequences in one engine step; 1 for a step of anything else). kResourceLimit once the budget,
  /// the deadline or the client is gone; every later call fails the same way. Safe from several threads.
  Status Charge(int64_t cost) {
    if (int why = stopped_.load(std::memory_order_relaxed)) return Stopped(why);
    int64_t spent = spent_.fetch_add(cost < 1 ? 1 : cost, std::memory_order_relaxed) + cost;
    if (spent > max_cost_) return Stop(kOverBudget);
    if (calls_.fetch_add(1, std::memory_order_relaxed) % kCheckEvery != 0) return Ok{};
    if (Clock::now() > deadline_) return Stop(kPastDeadline);
    if (cancelled_ && cancelled_()) return Stop(kCancelled);
    return Ok{};
  }

  /// Ok while nothing stopped the work; then the error that did (for a caller between two pieces of work).
  Status status() const {
    if (int why = stopped_.load(std::memory_order_relaxed)) return Stopped(why);
    return Ok{};
  }

  /// True once the wall-clock deadline stopped the work (the server answers 503, not 413: the request may be fine).
  bool past_deadline() const { return stopped_.load(std::memory_order_relaxed) == kPastDeadline; }

  int64_t spent() const { return spent_.load(std::memory_order_relaxed); }

 private:
  enum : int { kOverBudget = 1, kPastDeadline = 2, kCancelled = 3 };

  Error Stop(int why) {
    stopped_.store(why, std::memory_order_relaxed);
    return Stopped(why);
  }
  Error Stopped(int why) const {
    if (why == kOverBudget)
      return Error::ResourceLimit(
          fmt::format("request: more work than the limit of {} (engine steps x batch); ask "
                      "for fewer requests, a lower rate or fewer finalists",
                      max_cost_));
    if (why == kPastDeadline)
      return Error::ResourceLimit(
          fmt::format("request: not answered within its {} ms wall-clock limit", wall_limit_.count()));
    return Error::ResourceLimit("request: cancelled, the client disconnected");
  }

  static constexpr uint32_t kCheckEvery = 256;  // a step is ~1 us of simulation; the clock is checked each ~0.3 ms
  const int64_t max_cost_;
  const Clock::time_point deadline_;
  const std::chrono::milliseconds wall_limit_;
  std::function<bool()> cancelled_;
  std::atomic<int64_t> spent_{0};
  std::atomic<uint32_t> calls_{0};
  std::atomic<int> stopped_{0};
};

}  // namespace capplan
