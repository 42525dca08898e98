// Workload generation. The random generator is a member of one generator object per call, seeded
// from the caller's seed; draws happen in a fixed order (arrival gap, input, output per request),
// so a seed names one workload.
#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "capplan/sim.h"

namespace capplan {
namespace {

std::string Num(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

Status ValidateLengths(const LengthSpec& l, const char* name, bool trace_empty) {
  const std::string where = std::string("WorkloadSpec: ") + name + ".";
  auto invalid = [&](const std::string& rule, const char* field) {
    return Error::InvalidArgument(where + rule, std::string(name) + "." + field);
  };
  switch (l.kind) {
    case LengthDistribution::kFixed:
      if (l.value < 1) return invalid("value=" + std::to_string(l.value) + " must be at least 1", "value");
      break;
    case LengthDistribution::kUniform:
      if (l.min < 1 || l.max < l.min) {
        return invalid(
            "min=" + std::to_string(l.min) + ", max=" + std::to_string(l.max) + " must satisfy 1 <= min <= max", "min");
      }
      break;
    case LengthDistribution::kLognormal:
      if (!(l.mean >= 1) || !std::isfinite(l.mean))
        return invalid("mean=" + Num(l.mean) + " must be at least 1", "mean");
      if (!(l.sigma >= 0) || !std::isfinite(l.sigma))
        return invalid("sigma=" + Num(l.sigma) + " must be >= 0", "sigma");
      break;
    case LengthDistribution::kTrace:
      if (trace_empty) return invalid("kind is trace but the trace is empty", "kind");
      break;
  }
  return Ok{};
}

Status ValidateSpec(const WorkloadSpec& w) {
  const bool trace_arrivals = w.arrival == ArrivalProcess::kTrace;
  if (trace_arrivals && w.trace.empty()) {
    return Error::InvalidArgument("WorkloadSpec: arrival is trace but the trace is empty", "arrival");
  }
  if (!trace_arrivals) {
    if (!(w.rate_per_second > 0) || !std::isfinite(w.rate_per_second)) {
      return Error::InvalidArgument("WorkloadSpec: rate_per_second=" + Num(w.rate_per_second) + " must be positive",
                                    "rate_per_second");
    }
    if (w.duration.has_value() == w.num_requests.has_value()) {
      return Error::InvalidArgument("WorkloadSpec: set exactly one of duration and num_requests", "duration");
    }
  }
  if (w.arrival == ArrivalProcess::kGamma && (!(w.gamma_cv > 0) || !std::isfinite(w.gamma_cv))) {
    return Error::InvalidArgument("WorkloadSpec: gamma_cv=" + Num(w.gamma_cv) + " must be positive", "gamma_cv");
  }
  if (w.duration && !(w.duration->v > 0)) {
    return Error::InvalidArgument("WorkloadSpec: duration must be positive", "duration");
  }
  if (w.num_requests && *w.num_requests < 1) {
    return Error::InvalidArgument(
        "WorkloadSpec: num_requests=" + std::to_string(*w.num_requests) + " must be at least 1", "num_requests");
  }
  CAPPLAN_RETURN_IF_ERROR(ValidateLengths(w.input, "input", w.trace.empty()));
  return ValidateLengths(w.output, "output", w.trace.empty());
}

class WorkloadGenerator {
 public:
  WorkloadGenerator(const WorkloadSpec& spec, uint64_t seed) : spec_(spec), rng_(seed) {}

  double NextGap() {
    const double rate = spec_.rate_per_second;
    switch (spec_.arrival) {
      case ArrivalProcess::kPoisson:
        return std::exponential_distribution<double>(rate)(rng_);
      case ArrivalProcess::kGamma: {
        // shape k = 1/cv^2 and scale 1/(rate k) give mean 1/rate and coefficient of variation cv.
        const double shape = 1.0 / (spec_.gamma_cv * spec_.gamma_cv);
        return std::gamma_distribution<double>(shape, 1.0 / (rate * shape))(rng_);
      }
      case ArrivalProcess::kConstant:
      case ArrivalProcess::kTrace:
        break;
    }
    return 1.0 / rate;
  }

  int64_t Length(const LengthSpec& l, size_t index, bool input) {
    switch (l.kind) {
      case LengthDistribution::kFixed:
        return l.value;
      case LengthDistribution::kUniform:
        return std::uniform_int_distribution<int64_t>(l.min, l.max)(rng_);
      case LengthDistribution::kLognormal: {
        const double mu = std::log(l.mean) - l.sigma * l.sigma / 2;
        double v = std::round(std::lognormal_distribution<double>(mu, l.sigma)(rng_));
        v = std::max(v, 1.0);
        if (l.max > 0) v = std::min(v, static_cast<double>(l.max));
        return static_cast<int64_t>(v);
      }
      case LengthDistribution::kTrace:
        break;
    }
    const Request& r = spec_.trace[index % spec_.trace.size()];
    return input ? r.input_tokens : r.output_tokens;
  }

  Request Make(Seconds arrival, size_t index) {
    const int64_t in = Length(spec_.input, index, true);
    return Request{.arrival = arrival, .input_tokens = in, .output_tokens = Length(spec_.output, index, false)};
  }

 private:
  const WorkloadSpec& spec_;
  std::mt19937_64 rng_;
};

Error TooMany(int64_t limit) {
  return Error::ResourceLimit("workload has more than " + std::to_string(limit) +
                                  " requests (SimLimits.max_requests); shorten the duration or lower the rate",
                              "max_requests");
}

}  // namespace

Result<std::vector<Request>> GenerateWorkload(const WorkloadSpec& spec, uint64_t seed, const SimLimits& limits) {
  CAPPLAN_RETURN_IF_ERROR(ValidateSpec(spec));
  WorkloadGenerator gen(spec, seed);
  std::vector<Request> out;
  if (spec.arrival == ArrivalProcess::kTrace) {
    std::vector<Request> trace = spec.trace;
    std::stable_sort(trace.begin(), trace.end(),
                     [](const Request& a, const Request& b) { return a.arrival < b.arrival; });
    for (size_t i = 0; i < trace.size(); ++i) {
      if (spec.num_requests && static_cast<int64_t>(i) >= *spec.num_requests) break;
      if (spec.duration && !(trace[i].arrival < *spec.duration)) break;
      if (static_cast<int64_t>(out.size()) >= limits.max_requests) return TooMany(limits.max_requests);
      Request r = gen.Make(trace[i].arrival, i);
      if (spec.input.kind == LengthDistribution::kTrace) r.input_tokens = trace[i].input_tokens;
      if (spec.output.kind == LengthDistribution::kTrace) r.output_tokens = trace[i].output_tokens;
      out.push_back(r);
    }
    return out;
  }
  if (spec.num_requests && *spec.num_requests > limits.max_requests) return TooMany(limits.max_requests);
  // Constant arrivals start at 0; random ones start one gap after 0, like a process already running.
  Seconds t{spec.arrival == ArrivalProcess::kConstant ? 0.0 : gen.NextGap()};
  for (size_t i = 0;; ++i) {
    if (spec.num_requests && static_cast<int64_t>(i) >= *spec.num_requests) break;
    if (spec.duration && !(t < *spec.duration)) break;
    if (static_cast<int64_t>(i) >= limits.max_requests) return TooMany(limits.max_requests);
    out.push_back(gen.Make(t, i));
    t += Seconds{spec.arrival == ArrivalProcess::kConstant ? 0.0 : gen.NextGap()};
    if (spec.arrival == ArrivalProcess::kConstant) t = Seconds{static_cast<double>(i + 1) / spec.rate_per_second};
  }
  return out;
}

}  // namespace capplan
