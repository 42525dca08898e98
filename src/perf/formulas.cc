// The closed-form pieces of the performance model, each named after its formula.
#include <algorithm>
#include <cmath>

#include "capplan/perf.h"

namespace capplan {

double ExpectedDistinctExperts(int num_experts, int top_k, double tokens) {
  if (num_experts <= 0 || top_k <= 0 || tokens <= 0) return 0;
  const double e = num_experts;
  const double miss = 1.0 - static_cast<double>(top_k) / e;  // P(a token does not pick a given expert)
  return e * (1.0 - std::pow(miss, tokens));
}

ExpertLoad BusiestRankExpertLoad(int num_experts, int top_k, int ep, double tokens, double skew) {
  ExpertLoad load;
  if (num_experts <= 0 || tokens <= 0) return load;
  ep = std::max(ep, 1);
  const double experts_per_rank = static_cast<double>(num_experts) / ep;
  const double pairs = tokens * top_k;
  const double mean = pairs / ep;
  // Under uniform routing a rank's load is ~Binomial(pairs, 1/ep); the expected maximum over ep ranks
  // is about mean + sd * sqrt(2 ln ep). Real routers are skewed: the busiest rank carries a further
  // (1 + skew) factor. Never more than every pair.
  const double sd = std::sqrt(pairs * (1.0 / ep) * (1.0 - 1.0 / ep));
  const double uniform_max = ep > 1 ? mean + sd * std::sqrt(2.0 * std::log(static_cast<double>(ep))) : mean;
  load.assignments = std::min(pairs, uniform_max * (1.0 + skew));
  if (ep == 1) {
    load.distinct_experts = ExpectedDistinctExperts(num_experts, top_k, tokens);
  } else {
    // The rank's experts receive `assignments` picks spread over experts_per_rank experts.
    const double per_expert_pick = 1.0 / experts_per_rank;
    load.distinct_experts = experts_per_rank * (1.0 - std::pow(1.0 - per_expert_pick, load.assignments));
  }
  return load;
}

double MatmulEfficiency(const PerfCalibration& c, double tokens) {
  if (tokens <= 0) return c.matmul_efficiency;
  return c.matmul_efficiency * tokens / (tokens + c.matmul_half_tokens);
}

Seconds AllReduceTime(Bytes bytes, int n, BytesPerSec link, const PerfCalibration& c) {
  if (n <= 1) return Seconds{0};
  const double factor = 2.0 * (n - 1) / n;
  return c.collective_latency + (bytes * factor) / (link * c.comm_efficiency);
}

std::string_view BoundName(Bound b) {
  switch (b) {
    case Bound::kWeightsRead:
      return "weights read";
    case Bound::kKvRead:
      return "KV read";
    case Bound::kGemmEfficiency:
      return "GEMM efficiency";
    case Bound::kCompute:
      return "compute";
    case Bound::kCommunication:
      return "communication";
    case Bound::kOverhead:
      return "launch/host overhead";
  }
  return "weights read";
}

}  // namespace capplan
