// CSV writers over caller-owned streams; the library never opens files.
#include <optional>
#include <ostream>

#include "capplan/sim.h"

namespace capplan {
namespace {

void Cell(std::ostream& out, const std::optional<Seconds>& v) {
  out << ',';
  if (v) out << v->v;
}

}  // namespace

void WriteRequestsCsv(const std::vector<RequestRecord>& requests, std::ostream& out) {
  out << "id,replica,arrival_seconds,input_tokens,output_tokens,first_scheduled_seconds,first_token_seconds,"
         "finished_seconds,queueing_delay_seconds,ttft_seconds,tpot_seconds,e2e_seconds,preemptions\n";
  const auto precision = out.precision(9);
  for (const RequestRecord& r : requests) {
    out << r.id << ',' << r.replica << ',' << r.arrival.v << ',' << r.input_tokens << ',' << r.output_tokens;
    Cell(out, r.first_scheduled_at);
    Cell(out, r.first_token_at);
    Cell(out, r.finished_at);
    std::optional<Seconds> queueing, ttft, tpot, e2e;
    if (r.first_scheduled_at) queueing = *r.first_scheduled_at - r.arrival;
    if (r.first_token_at) ttft = *r.first_token_at - r.arrival;
    if (r.finished_at) e2e = *r.finished_at - r.arrival;
    if (ttft && e2e && r.output_tokens > 1) tpot = (*e2e - *ttft) / static_cast<double>(r.output_tokens - 1);
    Cell(out, queueing);
    Cell(out, ttft);
    Cell(out, tpot);
    Cell(out, e2e);
    out << ',' << r.preemptions << '\n';
  }
  out.precision(precision);
}

void WriteTimeSeriesCsv(const std::vector<TimeSeriesPoint>& series, std::ostream& out) {
  out << "time_seconds,running,waiting,kv_cache_utilization,completed_requests\n";
  const auto precision = out.precision(9);
  for (const TimeSeriesPoint& p : series) {
    out << p.time.v << ',' << p.running << ',' << p.waiting << ',' << p.kv_cache_utilization << ','
        << p.completed_requests << '\n';
  }
  out.precision(precision);
}

}  // namespace capplan
