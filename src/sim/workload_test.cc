#include <gtest/gtest.h>

#include <cmath>

#include "capplan/sim.h"

namespace capplan {
namespace {

std::vector<double> Gaps(const std::vector<Request>& reqs) {
  std::vector<double> gaps;
  for (size_t i = 1; i < reqs.size(); ++i) gaps.push_back((reqs[i].arrival - reqs[i - 1].arrival).v);
  return gaps;
}

double Mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

double Cv(const std::vector<double>& v) {
  const double m = Mean(v);
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size())) / m;
}

WorkloadSpec Count(ArrivalProcess arrival, double rate, int64_t n) {
  WorkloadSpec w;
  w.arrival = arrival;
  w.rate_per_second = rate;
  w.num_requests = n;
  return w;
}

TEST(GenerateWorkload, GammaArrivalsHaveTheRequestedCoefficientOfVariation) {
  for (double cv : {0.5, 2.0, 4.0}) {
    WorkloadSpec w = Count(ArrivalProcess::kGamma, 10, 200'000);
    w.gamma_cv = cv;
    auto reqs = GenerateWorkload(w, 1);
    ASSERT_TRUE(reqs.ok());
    const std::vector<double> gaps = Gaps(*reqs);
    EXPECT_NEAR(Cv(gaps), cv, 0.05 * cv) << cv;
    EXPECT_NEAR(Mean(gaps), 0.1, 0.005) << cv;
  }
}

TEST(GenerateWorkload, PoissonArrivalsHaveUnitCvAndTheRequestedRate) {
  auto reqs = GenerateWorkload(Count(ArrivalProcess::kPoisson, 4, 100'000), 3);
  ASSERT_TRUE(reqs.ok());
  EXPECT_NEAR(Cv(Gaps(*reqs)), 1.0, 0.02);
  EXPECT_NEAR(Mean(Gaps(*reqs)), 0.25, 0.005);
}

TEST(GenerateWorkload, ConstantArrivalsAreEvenlySpacedFromZero) {
  auto reqs = GenerateWorkload(Count(ArrivalProcess::kConstant, 4, 5), 0);
  ASSERT_TRUE(reqs.ok());
  ASSERT_EQ(reqs->size(), 5u);
  for (size_t i = 0; i < 5; ++i) EXPECT_DOUBLE_EQ((*reqs)[i].arrival.v, 0.25 * static_cast<double>(i));
}

TEST(GenerateWorkload, DurationBoundsArrivals) {
  WorkloadSpec w;
  w.arrival = ArrivalProcess::kConstant;
  w.rate_per_second = 10;
  w.duration = Seconds{2.0};
  auto reqs = GenerateWorkload(w, 0);
  ASSERT_TRUE(reqs.ok());
  EXPECT_EQ(reqs->size(), 20u);  // 0, 0.1, ..., 1.9
}

TEST(GenerateWorkload, LengthDistributionsHaveTheirMoments) {
  WorkloadSpec w = Count(ArrivalProcess::kPoisson, 1, 100'000);
  w.input = {.kind = LengthDistribution::kLognormal, .mean = 1000, .sigma = 1.0};
  w.output = {.kind = LengthDistribution::kUniform, .min = 10, .max = 20};
  auto reqs = GenerateWorkload(w, 5);
  ASSERT_TRUE(reqs.ok());
  std::vector<double> in, out;
  for (const Request& r : *reqs) {
    in.push_back(static_cast<double>(r.input_tokens));
    out.push_back(static_cast<double>(r.output_tokens));
    ASSERT_GE(r.output_tokens, 10);
    ASSERT_LE(r.output_tokens, 20);
  }
  EXPECT_NEAR(Mean(in), 1000, 20);
  EXPECT_NEAR(Cv(in), std::sqrt(std::exp(1.0) - 1), 0.05);  // lognormal CV = sqrt(e^(sigma^2) - 1)
  EXPECT_NEAR(Mean(out), 15, 0.05);
}

TEST(GenerateWorkload, TraceArrivalsAndLengthsAreReplayedSortedAndTruncated) {
  WorkloadSpec w;
  w.arrival = ArrivalProcess::kTrace;
  w.input.kind = LengthDistribution::kTrace;
  w.output.kind = LengthDistribution::kTrace;
  w.trace = {{Seconds{2.0}, 30, 3}, {Seconds{0.5}, 10, 1}, {Seconds{1.0}, 20, 2}};
  w.duration = Seconds{1.5};
  auto reqs = GenerateWorkload(w, 0);
  ASSERT_TRUE(reqs.ok());
  ASSERT_EQ(reqs->size(), 2u);
  EXPECT_EQ((*reqs)[0].input_tokens, 10);
  EXPECT_EQ((*reqs)[1].output_tokens, 2);
}

TEST(GenerateWorkload, ErrorsNameTheField) {
  WorkloadSpec w = Count(ArrivalProcess::kPoisson, 0, 10);
  auto r = GenerateWorkload(w, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "WorkloadSpec: rate_per_second=0 must be positive");
  w.rate_per_second = 1;
  w.duration = Seconds{10};
  EXPECT_EQ(GenerateWorkload(w, 0).error().message, "WorkloadSpec: set exactly one of duration and num_requests");
  w.duration.reset();
  w.output = {.kind = LengthDistribution::kUniform, .min = 5, .max = 4};
  EXPECT_EQ(GenerateWorkload(w, 0).error().message, "WorkloadSpec: output.min=5, max=4 must satisfy 1 <= min <= max");
  EXPECT_EQ(GenerateWorkload(w, 0).error().field, "output.min");
}

TEST(GenerateWorkload, RefusesMoreRequestsThanTheLimit) {
  WorkloadSpec w;
  w.rate_per_second = 1000;
  w.duration = Seconds{100};
  auto r = GenerateWorkload(w, 0, SimLimits{.max_requests = 1000});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kResourceLimit);
  EXPECT_EQ(r.error().message,
            "workload has more than 1000 requests (SimLimits.max_requests); shorten the duration or lower the rate");
}

}  // namespace
}  // namespace capplan
