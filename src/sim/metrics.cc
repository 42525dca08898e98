#include "sim/metrics.h"

#include <algorithm>
#include <limits>

#include "sim/stats.h"

namespace capplan::sim {
namespace {

bool MeetsSlo(const Sequence& s, Seconds ttft, Seconds e2e, const Slo& slo) {
  if (slo.ttft && ttft > *slo.ttft) return false;
  if (slo.e2e && e2e > *slo.e2e) return false;
  if (slo.tpot && s.output_tokens > 1 && (e2e - ttft) / static_cast<double>(s.output_tokens - 1) > *slo.tpot) {
    return false;
  }
  return true;
}

}  // namespace

SimMetrics ComputeMetrics(const std::vector<Sequence>& seqs, const StepStats& stats, const Slo& slo,
                          const MeasureWindow& window) {
  SimMetrics m;
  std::vector<double> ttft, tpot, e2e, queueing;
  ttft.reserve(seqs.size());
  e2e.reserve(seqs.size());
  queueing.reserve(seqs.size());
  tpot.reserve(seqs.size());
  double first_arrival = std::numeric_limits<double>::infinity();
  double last_finish = 0;
  double output_tokens = 0, input_tokens = 0;
  int64_t good = 0;
  double window_output = 0, window_input = 0;
  int64_t window_completed = 0, window_good = 0;
  for (size_t id = 0; id < seqs.size(); ++id) {
    const Sequence& s = seqs[id];
    first_arrival = std::min(first_arrival, s.arrival.v);
    if (!s.finished_at) continue;
    if (window.start && *s.finished_at > *window.start && *s.finished_at <= *window.end) {
      window_output += static_cast<double>(s.output_tokens);
      window_input += static_cast<double>(s.input_tokens);
      ++window_completed;
      if (MeetsSlo(s, *s.first_token_at - s.arrival, *s.finished_at - s.arrival, slo)) ++window_good;
    }
    if (static_cast<int64_t>(id) < window.first_id || static_cast<int64_t>(id) >= window.end_id) continue;
    const Seconds t = *s.first_token_at - s.arrival;
    const Seconds total = *s.finished_at - s.arrival;
    ttft.push_back(t.v);
    e2e.push_back(total.v);
    queueing.push_back((*s.first_scheduled_at - s.arrival).v);
    if (s.output_tokens > 1) tpot.push_back((total - t).v / static_cast<double>(s.output_tokens - 1));
    last_finish = std::max(last_finish, s.finished_at->v);
    output_tokens += static_cast<double>(s.output_tokens);
    input_tokens += static_cast<double>(s.input_tokens);
    if (MeetsSlo(s, t, total, slo)) ++good;
  }
  m.completed_requests = static_cast<int64_t>(e2e.size());
  m.ttft = SummarizeLatency(ttft);
  m.tpot = SummarizeLatency(tpot);
  m.e2e = SummarizeLatency(e2e);
  m.queueing_delay = SummarizeLatency(queueing);
  m.itl = SummarizeLatency(stats.itl);
  m.batch_size = SummarizeBatchSizes(stats.batch_sizes);
  m.preemptions = stats.preemptions;
  if (window.start && window.end && *window.end > *window.start) {
    const double w = (*window.end - *window.start).v;
    m.window = *window.end - *window.start;
    m.throughput.output_tokens_per_second = window_output / w;
    m.throughput.total_tokens_per_second = (window_input + window_output) / w;
    m.throughput.requests_per_second = static_cast<double>(window_completed) / w;
    m.goodput_requests_per_second = static_cast<double>(window_good) / w;
  } else if (m.completed_requests > 0 && last_finish > first_arrival) {
    m.window = Seconds{last_finish - first_arrival};
    const double w = m.window.v;
    m.throughput.output_tokens_per_second = output_tokens / w;
    m.throughput.total_tokens_per_second = (input_tokens + output_tokens) / w;
    m.throughput.requests_per_second = static_cast<double>(m.completed_requests) / w;
    m.goodput_requests_per_second = static_cast<double>(good) / w;
  }
  return m;
}

std::vector<RequestRecord> ToRecords(const std::vector<Sequence>& seqs) {
  std::vector<RequestRecord> records;
  records.reserve(seqs.size());
  for (size_t i = 0; i < seqs.size(); ++i) {
    const Sequence& s = seqs[i];
    records.push_back(RequestRecord{.id = static_cast<int64_t>(i),
                                    .replica = s.replica,
                                    .arrival = s.arrival,
                                    .input_tokens = s.input_tokens,
                                    .output_tokens = s.output_tokens,
                                    .first_scheduled_at = s.first_scheduled_at,
                                    .first_token_at = s.first_token_at,
                                    .finished_at = s.finished_at,
                                    .preemptions = s.preemptions});
  }
  return records;
}

}  // namespace capplan::sim
