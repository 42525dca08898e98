// Load sweep: bracket the highest rate meeting the p95 targets by doubling or halving, then
// bisect. It assumes that meeting the targets is monotone in the rate, which holds for the
// queueing behaviour simulated here up to the noise of a finite run; the same seed at every rate
// keeps that noise small (common random numbers).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "capplan/sim.h"

namespace capplan {
namespace {

// Halving stops here: a deployment that misses its targets at 2^-20 of the initial rate misses
// them for a single request (the targets are below the unloaded latency).
constexpr int kMaxHalvings = 20;

class Sweep {
 public:
  Sweep(const SimConfig& config, const LoadSweepSpec& spec, const StepTimeModel& model,
        const std::function<void(double)>& progress)
      : config_(config), spec_(spec), model_(model), progress_(progress) {}

  Result<LoadSweepResult> Run() {
    if (std::string why = FloorMiss(); !why.empty()) {
      result_.unreachable = std::move(why);
      return Done(0);
    }
    double rate = spec_.initial_rate_per_second;
    CAPPLAN_ASSIGN_OR_RETURN(bool meets, Try(rate));
    double low = 0, high = 0;
    if (meets) {
      low = rate;
      while (high == 0) {
        // Never bracketed from above: the capacity is unknown, not `low`. With 1-10 requests no rate queues enough
        // to miss a target, and the sweep reported 5e9 requests/s (issue 17).
        if (Exhausted() || !std::isfinite(rate * 2))
          return Error::InvalidArgument(
              fmt::format("load sweep: the targets were still met at {:.4g} requests/s after {} simulations, so the "
                          "capacity was not found; simulate more requests ({} requests cannot load the deployment) "
                          "or start from a higher rate",
                          low, result_.points.size(),
                          spec_.workload.num_requests ? std::to_string(*spec_.workload.num_requests) : "these"),
              "num_requests");
        rate *= 2;
        CAPPLAN_ASSIGN_OR_RETURN(meets, Try(rate));
        (meets ? low : high) = rate;
      }
    } else {
      high = rate;
      for (int i = 0; i < kMaxHalvings && low == 0; ++i) {
        if (Exhausted()) break;
        rate /= 2;
        CAPPLAN_ASSIGN_OR_RETURN(meets, Try(rate));
        (meets ? low : high) = rate;
      }
      if (low == 0) return Done(0);
    }
    while (high - low > spec_.relative_tolerance * high && !Exhausted()) {
      const double mid = (low + high) / 2;
      CAPPLAN_ASSIGN_OR_RETURN(meets, Try(mid));
      (meets ? low : high) = mid;
      Report(low, high);
    }
    return Done(low);
  }

 private:
  // The analytic floor: one request alone on the replica (the shortest prompt, one decode sequence). A target
  // below it is unreachable at any rate, so the sweep says so at once instead of halving the rate for a minute
  // (issue 16: --slo-tpot-p95 0.0001 ran 20 halvings of 2000-request simulations).
  std::string FloorMiss() const {
    auto shortest = [](const LengthSpec& l) {
      return std::max<int64_t>(1, l.kind == LengthDistribution::kFixed ? l.value : l.min);
    };
    const int64_t input = shortest(spec_.workload.input);
    if (spec_.targets.tpot_p95) {
      BatchShape one;
      one.decode_sequences = 1;
      one.decode_context_tokens = input;
      const Seconds step = model_.StepTime(one);
      if (step > *spec_.targets.tpot_p95)
        return fmt::format(
            "the p95 TPOT target {} is below the fastest decode step of this deployment, {} (one "
            "sequence at {} tokens of context): no rate meets it",
            FormatSeconds(*spec_.targets.tpot_p95), FormatSeconds(step), input);
    }
    if (spec_.targets.ttft_p95) {
      const int64_t chunk = std::max<int64_t>(1, config_.scheduler.max_num_batched_tokens);
      Seconds prefill{0};
      for (int64_t done = 0; done < input; done += chunk) {
        BatchShape s;
        s.prefill_sequences = 1;
        s.prefill_tokens = std::min(chunk, input - done);
        s.prefill_cached_tokens = done;
        s.prefill_attention_pairs = static_cast<double>(s.prefill_tokens) *
                                    (static_cast<double>(done) + (static_cast<double>(s.prefill_tokens) + 1) / 2.0);
        prefill += model_.StepTime(s);
      }
      if (prefill > *spec_.targets.ttft_p95)
        return fmt::format(
            "the p95 TTFT target {} is below the prefill of the shortest prompt alone on this "
            "deployment, {} ({} tokens): no rate meets it",
            FormatSeconds(*spec_.targets.ttft_p95), FormatSeconds(prefill), input);
    }
    return "";
  }

  bool Exhausted() const { return static_cast<int>(result_.points.size()) >= spec_.max_simulations; }

  Result<bool> Try(double rate) {
    WorkloadSpec workload = spec_.workload;
    workload.rate_per_second = rate;
    CAPPLAN_ASSIGN_OR_RETURN(SimResult r, Simulate(config_, workload, model_));
    const bool meets = MeetsTargets(r.metrics, spec_.targets);
    result_.points.push_back(LoadSweepPoint{.rate_per_second = rate, .meets_targets = meets, .metrics = r.metrics});
    Report(0, 0);
    return meets;
  }

  // While bracketing, progress counts simulations against the cap; once bracketed, the bisection
  // steps left are known exactly. The fraction never goes back.
  void Report(double low, double high) {
    if (!progress_) return;
    const double done = static_cast<double>(result_.points.size());
    double fraction = done / spec_.max_simulations;
    if (high > 0 && low > 0) {
      const double left = std::max(0.0, std::ceil(std::log2((high - low) / (spec_.relative_tolerance * high))));
      fraction = done / (done + left);
    }
    fraction_ = std::clamp(std::max(fraction_, fraction), 0.0, 1.0);
    progress_(fraction_);
  }

  LoadSweepResult Done(double low) {
    result_.found = low > 0;
    result_.max_rate_per_second = low;
    if (progress_) progress_(1.0);
    return std::move(result_);
  }

  const SimConfig& config_;
  const LoadSweepSpec& spec_;
  const StepTimeModel& model_;
  const std::function<void(double)>& progress_;
  LoadSweepResult result_;
  double fraction_ = 0;
};

}  // namespace

bool MeetsTargets(const SimMetrics& m, const SloTargets& t) {
  if (t.ttft_p95 && m.ttft.p95 > *t.ttft_p95) return false;
  if (t.tpot_p95 && m.tpot.p95 > *t.tpot_p95) return false;
  if (t.e2e_p95 && m.e2e.p95 > *t.e2e_p95) return false;
  return true;
}

Result<LoadSweepResult> LoadSweep(const SimConfig& config, const LoadSweepSpec& spec, const StepTimeModel& model,
                                  const std::function<void(double fraction)>& progress) {
  if (!(spec.initial_rate_per_second > 0) || !std::isfinite(spec.initial_rate_per_second)) {
    return Error::InvalidArgument("LoadSweepSpec: initial_rate_per_second must be positive", "initial_rate_per_second");
  }
  if (!(spec.relative_tolerance > 0 && spec.relative_tolerance < 1)) {
    return Error::InvalidArgument("LoadSweepSpec: relative_tolerance must be in (0, 1)", "relative_tolerance");
  }
  if (spec.max_simulations < 1) {
    return Error::InvalidArgument("LoadSweepSpec: max_simulations must be at least 1", "max_simulations");
  }
  if (spec.workload.arrival == ArrivalProcess::kTrace) {
    return Error::InvalidArgument("LoadSweepSpec: a load sweep varies the rate, so arrivals cannot come from a trace",
                                  "arrival");
  }
  return Sweep(config, spec, model, progress).Run();
}

}  // namespace capplan
