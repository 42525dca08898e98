// A day of traffic: profiles, replicas(t) by hand, static vs autoscaled GPU-hours and dollars, and the SLO
// attainment through the ramps with a constant-time fake step model (hand arithmetic in the comments).
#include "capplan/fleet.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "sim/testutil.h"

namespace capplan {
namespace {

TEST(DiurnalProfile, PeakHoursFromNineWithOneHourRampsAndTroughElsewhere) {
  auto p = ParseDiurnalProfile("diurnal:peak=15,trough=2");
  ASSERT_TRUE(p.ok()) << p.error().message;
  ASSERT_EQ(p->requests_per_second.size(), 24u);
  for (int h = 9; h < 17; ++h) EXPECT_EQ(p->requests_per_second[h], 15) << h;
  EXPECT_EQ(p->requests_per_second[8], 8.5);  // (15 + 2) / 2
  EXPECT_EQ(p->requests_per_second[17], 8.5);
  EXPECT_EQ(p->requests_per_second[0], 2);
  EXPECT_EQ(p->requests_per_second[23], 2);
  EXPECT_EQ(p->PeakRate(), 15);
  // 8 x 15 + 2 x 8.5 + 14 x 2 = 120 + 17 + 28 = 165 over 24 h.
  EXPECT_DOUBLE_EQ(p->MeanRate(), 165.0 / 24);
  const auto four = ParseDiurnalProfile("diurnal:peak=10,trough=1,peak-hours=4");
  EXPECT_EQ(four->requests_per_second[12], 10);   // 09:00-12:59
  EXPECT_EQ(four->requests_per_second[13], 5.5);  // the ramp down
  EXPECT_EQ(four->requests_per_second[14], 1);
}

TEST(DiurnalProfile, ErrorsNameTheFlagAndField) {
  EXPECT_EQ(ParseDiurnalProfile("flat:10").error().message,
            "--traffic-profile: 'flat:10' must be diurnal:peak=R1,trough=R2[,peak-hours=H]");
  EXPECT_EQ(ParseDiurnalProfile("diurnal:peak=5,trough=9").error().message,
            "--traffic-profile: trough=9 must be in [0, peak]");
  EXPECT_EQ(ParseDiurnalProfile("diurnal:peak=5,trough=1,peak-hours=2.5").error().message,
            "--traffic-profile: peak-hours=2.5 must be a whole number in [1, 22]");
  EXPECT_EQ(ParseDiurnalProfile("diurnal:peak=x,trough=1").error().message,
            "--traffic-profile: peak='x' is not a number");
  EXPECT_EQ(ParseDiurnalProfile("diurnal:peak=5,low=1").error().message,
            "--traffic-profile: unknown field 'low' (known: peak, trough, peak-hours)");
}

std::string Hours(double rate_at_12, double rate_elsewhere) {
  std::string csv = "hour,requests_per_second\n";
  for (int h = 0; h < 24; ++h)
    csv += std::to_string(h) + "," + std::to_string(h == 12 ? rate_at_12 : rate_elsewhere) + "\n";
  return csv;
}

TEST(TrafficCsv, ReadsHoursOrTimestampsAveragedPerHour) {
  auto p = ParseTrafficCsv(Hours(9, 3), "day.csv");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->requests_per_second[12], 9);
  EXPECT_EQ(p->requests_per_second[0], 3);
  std::string ts = "timestamp,requests_per_second\n";
  for (int h = 0; h < 24; ++h) ts += fmt::format("2026-11-20T{:02d}:00:00Z,4\n", h);
  ts += "2026-11-21 05:30,8\n";  // a second day's sample for 05:00: averaged with the first, (4 + 8) / 2 = 6
  auto t = ParseTrafficCsv(ts, "trace.csv");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->requests_per_second[5], 6);
  EXPECT_EQ(t->requests_per_second[6], 4);
}

TEST(TrafficCsv, ErrorsNameFileLineAndField) {
  EXPECT_EQ(ParseTrafficCsv("hour,requests_per_second\n0,1\n", "d.csv").error().message,
            "d.csv: no rate for hour 01:00; every hour of the day is needed");
  EXPECT_EQ(ParseTrafficCsv("hour,requests_per_second\n24,1\n", "d.csv").error().message,
            "d.csv:2: hour=24 must be a whole number in [0, 23]");
  EXPECT_EQ(ParseTrafficCsv("hour,requests_per_second\n0,1\n0,2\n", "d.csv").error().message,
            "d.csv:3: hour 0 appears twice");
  EXPECT_EQ(ParseTrafficCsv("timestamp,requests_per_second\nyesterday,1\n", "d.csv").error().message,
            "d.csv:2: timestamp='yesterday' must be YYYY-MM-DDTHH:MM[:SS] (or with a space for the T)");
  EXPECT_EQ(ParseTrafficCsv("when,rps\n", "d.csv").error().message,
            "d.csv:1: header must name requests_per_second and one of hour, timestamp");
  EXPECT_EQ(ParseTrafficCsv(Hours(0, 0), "d.csv").error().message,
            "d.csv: every hour has a rate of 0; give at least one positive rate");
}

FleetInput Input(double capacity_rps, Seconds delay) {
  FleetInput in;
  in.profile = *ParseDiurnalProfile("diurnal:peak=15,trough=2");
  in.replica_capacity_rps = capacity_rps;
  in.headroom = 0.9;
  in.gpus_per_replica = 4;
  in.usd_per_gpu_hour = {2.0};
  in.scale_up_delay = delay;
  return in;
}

// Replicas of 4 sequences at 10 ms a step, 10 + 50 tokens per request, capacity 6 req/s, a 600 s scale-up delay,
// targets p95 TTFT 0.5 s and TPOT 15 ms (the simulated tests below).
const sim::ConstantStepTimeModel kTenMs(Seconds{0.010});
FleetInput SmallReplicas(const StepTimeModel& model) {
  FleetInput in = Input(6.0, Seconds{600});
  in.model = &model;
  in.scheduler.max_num_seqs = 4;
  in.scheduler.max_num_batched_tokens = 8192;
  in.input_tokens = 10;
  in.output_tokens = 50;
  in.slo_ttft_p95 = Seconds{0.5};
  in.slo_tpot_p95 = Seconds{0.015};
  return in;
}

TEST(Fleet, ReplicasPerHourStaticAndAutoscaledGpuHoursByHand) {
  // Capacity 2 req/s x headroom 0.9 = 1.8 req/s per replica: 15 -> ceil(8.33) = 9, 8.5 -> ceil(4.72) = 5,
  // 2 -> ceil(1.11) = 2.
  auto f = SimulateFleetDay(Input(2.0, Seconds{300}));
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->replicas_needed[12], 9);
  EXPECT_EQ(f->replicas_needed[8], 5);
  EXPECT_EQ(f->replicas_needed[3], 2);
  EXPECT_EQ(f->static_replicas, 9);
  // Static: 9 replicas x 4 GPUs x 24 h = 864 GPU-hours a day. Autoscaled: (8 x 9 + 2 x 5 + 14 x 2) x 4 = 440.
  EXPECT_DOUBLE_EQ(f->static_gpu_hours_per_day, 864);
  EXPECT_DOUBLE_EQ(f->autoscaled_gpu_hours_per_day, 440);
  // A month is 730 h = 30.4167 days: 864 x 30.4167 x $2 = $52,560; 440 x 30.4167 x $2 = $26,766.67.
  EXPECT_NEAR(f->usd_per_month_static.v, 52560.0, 1e-6);
  EXPECT_NEAR(f->usd_per_month_autoscaled.v, 26766.6667, 1e-3);
  // Ramps where the hour needs more than the one before: 08:00 (2 -> 5) and 09:00 (5 -> 9), each 300 s long.
  int ramps = 0;
  for (const FleetSegment& s : f->autoscaled_segments) {
    if (!s.ramp) continue;
    ++ramps;
    EXPECT_EQ(s.duration.v, 300);
    EXPECT_EQ(s.replicas, s.hour == 8 ? 2 : 5);
  }
  EXPECT_EQ(ramps, 2);
  EXPECT_FALSE(f->simulated);  // no step model given
}

TEST(Fleet, RefusesBadInputsNamingThem) {
  EXPECT_EQ(SimulateFleetDay(Input(0, Seconds{1})).error().message, "fleet: replica_capacity_rps must be > 0");
  EXPECT_EQ(SimulateFleetDay(Input(1, Seconds{4000})).error().message,
            "fleet: scale-up delay 4000 s must be within an hour");
  FleetInput tiny = Input(0.001, Seconds{1});
  tiny.max_replicas = 100;
  EXPECT_EQ(SimulateFleetDay(tiny).error().message, "fleet: 15 req/s needs 16667 replicas, above the limit of 100");
}

TEST(Fleet, RampsCostSloAttainmentThatTheStaticFleetKeeps) {
  // Every step takes 10 ms. 4 sequences per replica, 50 output tokens: a replica finishes 4 requests per
  // 50 steps = 0.5 s, 8 req/s at most; 6 req/s is the capacity given (75%). Peak 15 -> ceil(15 / 5.4) = 3 replicas,
  // 8.5 -> 2, 2 -> 1. During the 08:00 ramp one replica (8 req/s at most) meets 8.5 req/s for 600 s: the queue
  // grows and TTFT misses; the static fleet of 3 runs at most 15 / 24 = 62% busy all day.
  FleetInput in = SmallReplicas(kTenMs);
  auto f = SimulateFleetDay(in);
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_TRUE(f->simulated);
  EXPECT_EQ(f->static_replicas, 3);
  EXPECT_LT(f->autoscaled_gpu_hours_per_day, f->static_gpu_hours_per_day);
  EXPECT_GT(f->slo_attainment_static, 0.95);
  EXPECT_LT(f->slo_attainment_autoscaled, f->slo_attainment_static);
  for (const FleetSegment& s : f->autoscaled_segments) {
    if (s.ramp && s.hour == 8) {
      EXPECT_LT(s.slo_attainment, 0.5) << "one replica at 8.5 req/s is overloaded";
    }
  }
}

TEST(Fleet, TheBacklogARampBuildsIsServedAfterIt) {
  // As above: one replica (8 req/s at most) meets 8.5 req/s during the 600 s 08:00 ramp, so about
  // 0.5 x 600 = 300 requests are queued on it when the second replica comes up. The router does not move them;
  // new requests go to the new replica, which alone meets 8.5 req/s until the old one drains (300 / 8 = 37.5 s),
  // so requests arriving just after the ramp queue too. Simulated from an empty fleet (as before this test), the
  // post-ramp stretch (2 replicas at 8.5 req/s, 53% busy) met every target.
  FleetInput in = SmallReplicas(kTenMs);
  in.max_requests_per_segment = 6000;  // 2 x 6000 covers the 1,200 s simulated around the ramp (10,200 requests)
  auto f = SimulateFleetDay(in);
  ASSERT_TRUE(f.ok()) << f.error().message;
  const FleetSegment* ramp = nullptr;
  const FleetSegment* post = nullptr;
  for (size_t i = 0; i + 1 < f->autoscaled_segments.size(); ++i) {
    if (f->autoscaled_segments[i].ramp && f->autoscaled_segments[i].hour == 8) {
      ramp = &f->autoscaled_segments[i];
      post = &f->autoscaled_segments[i + 1];
    }
  }
  ASSERT_NE(ramp, nullptr);
  EXPECT_LT(ramp->slo_attainment, 0.5);
  // Every request of the 600 s ramp at 8.5 req/s: 5,100, within 3.5 Poisson standard deviations (250).
  EXPECT_NEAR(static_cast<double>(ramp->simulated_requests), 5100, 250);
  EXPECT_LT(post->slo_attainment, 0.999) << "the ramp's backlog delays the requests just after it";
  EXPECT_GT(post->slo_attainment, 0.9) << post->slo_attainment;
  // The same hour without a ramp (no scale-up delay) meets every target after the first seconds.
  FleetInput instant = in;
  instant.scale_up_delay = Seconds{0};
  auto g = SimulateFleetDay(instant);
  ASSERT_TRUE(g.ok());
  for (const FleetSegment& s : g->autoscaled_segments) {
    if (s.hour == 8) {
      EXPECT_GT(s.slo_attainment, post->slo_attainment);
    }
  }
}

TEST(ScaleUpDelay, WeightBytesOverStorageBandwidthPlusEngineStartup) {
  // 218 GB of weights at 2 GB/s = 109 s, + 60 s start-up = 169 s.
  EXPECT_DOUBLE_EQ(ScaleUpDelay(GB(218), GBps(2), Seconds{60}).v, 169);
}

}  // namespace
}  // namespace capplan
