#include "sim/disagg.h"

#include <algorithm>
#include <deque>
#include <queue>
#include <string>
#include <tuple>

#include "sim/stats.h"

namespace capplan {
namespace {

using std::to_string;

enum class EventKind { kArrival, kPrefillStepEnd, kTransferEnd, kDecodeStepEnd };

struct Event {
  double time = 0;
  int64_t order = 0;  // FIFO among equal times: deterministic
  EventKind kind = EventKind::kArrival;
  int64_t index = 0;  // request (arrival, transfer) or worker (step ends)
  bool operator>(const Event& o) const { return std::tie(time, order) > std::tie(o.time, o.order); }
};

struct Job {
  Request request;
  int64_t prefilled = 0;
  int64_t generated = 0;  // tokens the decode worker has produced
  int client = -1;
  DisaggRecord record;
};

struct PrefillWorker {
  std::deque<int64_t> queue;
  std::vector<std::pair<int64_t, int64_t>> batch;  // (job, chunk tokens)
  bool busy = false;
  double link_free = 0;
};

struct DecodeWorker {
  std::deque<int64_t> waiting;
  std::vector<int64_t> running;
  int64_t kv_used = 0;
  bool busy = false;
  int Load() const { return static_cast<int>(waiting.size() + running.size()); }
};

Error Bad(const std::string& what, const std::string& field) { return Error::InvalidArgument(what, field); }

Status Validate(const DisaggConfig& c, const std::vector<Request>& requests) {
  for (const auto& [pool, name] : {std::pair{&c.prefill, "prefill"}, std::pair{&c.decode, "decode"}}) {
    if (pool->workers < 1)
      return Bad(std::string("--") + name + "-workers=" + to_string(pool->workers) + " must be at least 1",
                 std::string(name) + "-workers");
    if (pool->max_num_seqs < 1 || pool->max_num_batched_tokens < 1 || pool->kv_capacity_tokens < 1)
      return Bad(std::string(name) +
                     " pool: max_num_seqs, max_num_batched_tokens and kv_capacity_tokens must be at "
                     "least 1",
                 name);
  }
  if (c.link.bandwidth.v <= 0) return Bad("KV link bandwidth must be positive", "kv-link");
  if (c.link.latency.v < 0 || c.kv_bytes_per_token.v < 0)
    return Bad("KV link latency and bytes per token must not be negative", "kv-link");
  if (c.closed_loop_clients && *c.closed_loop_clients < 1)
    return Bad("--concurrency=" + to_string(*c.closed_loop_clients) + " must be at least 1", "concurrency");
  if (c.closed_loop_clients && c.closed_loop_warmup_requests) {
    const int64_t clients = *c.closed_loop_clients;
    const int64_t warmup = *c.closed_loop_warmup_requests < 0 ? DefaultWarmupRequests(static_cast<int>(clients))
                                                              : *c.closed_loop_warmup_requests;
    const auto n = static_cast<int64_t>(requests.size());
    if (n <= warmup + clients)
      return Bad("closed loop of " + to_string(clients) + " clients: " + to_string(n) +
                     " requests leave none to measure after the warm-up of " + to_string(warmup) +
                     " and the drain of " + to_string(clients) + " (give more --requests)",
                 "requests");
  }
  for (size_t i = 0; i < requests.size(); ++i) {
    const Request& r = requests[i];
    if (r.input_tokens < 1 || r.output_tokens < 1)
      return Bad("request " + to_string(i) + ": input and output must be at least 1 token", "requests");
    if (r.input_tokens + r.output_tokens > c.decode.kv_capacity_tokens)
      return Bad("request " + to_string(i) + ": " + to_string(r.input_tokens + r.output_tokens) +
                     " tokens of KV exceed one decode worker's " + to_string(c.decode.kv_capacity_tokens),
                 "requests");
  }
  return Ok{};
}

class DisaggSim {
 public:
  DisaggSim(const DisaggConfig& c, const std::vector<Request>& requests, const StepTimeModel& prefill,
            const StepTimeModel& decode)
      : c_(c), source_(requests), prefill_model_(prefill), decode_model_(decode) {
    prefill_.resize(static_cast<size_t>(c.prefill.workers));
    decode_.resize(static_cast<size_t>(c.decode.workers));
  }

  Result<DisaggResult> Run() {
    if (c_.closed_loop_clients) {
      const int clients = std::min<int64_t>(*c_.closed_loop_clients, static_cast<int64_t>(source_.size()));
      for (int k = 0; k < clients; ++k) Issue(k, 0.0);
    } else {
      std::vector<Request> sorted = source_;
      std::stable_sort(sorted.begin(), sorted.end(),
                       [](const Request& a, const Request& b) { return a.arrival < b.arrival; });
      for (const Request& r : sorted) AddJob(r, -1);
    }
    while (!events_.empty()) {
      const Event e = events_.top();
      events_.pop();
      if (++steps_ > c_.max_steps)
        return Error::ResourceLimit("disaggregated simulation: more than " + to_string(c_.max_steps) + " events",
                                    "max_steps");
      switch (e.kind) {
        case EventKind::kArrival:
          OnArrival(e.index, e.time);
          break;
        case EventKind::kPrefillStepEnd:
          OnPrefillEnd(static_cast<int>(e.index), e.time);
          break;
        case EventKind::kTransferEnd:
          OnTransferEnd(e.index, e.time);
          break;
        case EventKind::kDecodeStepEnd:
          OnDecodeEnd(static_cast<int>(e.index), e.time);
          break;
      }
    }
    return Summarize();
  }

 private:
  void Push(double t, EventKind k, int64_t index) { events_.push({t, order_++, k, index}); }

  void AddJob(const Request& r, int client) {
    Job j;
    j.request = r;
    j.client = client;
    j.record.arrival = r.arrival;
    jobs_.push_back(j);
    Push(r.arrival.v, EventKind::kArrival, static_cast<int64_t>(jobs_.size()) - 1);
  }

  void Issue(int client, double t) {
    if (next_source_ >= source_.size()) return;
    Request r = source_[next_source_++];
    r.arrival = Seconds{t};
    AddJob(r, client);
  }

  void OnArrival(int64_t j, double t) {
    int best = 0;  // shortest queue, lowest index on ties
    for (int w = 1; w < static_cast<int>(prefill_.size()); ++w)
      if (prefill_[w].queue.size() < prefill_[best].queue.size()) best = w;
    jobs_[j].record.prefill_worker = best;
    prefill_[best].queue.push_back(j);
    if (!prefill_[best].busy) StartPrefill(best, t);
  }

  // Batches waiting prompts from the front of the queue into one step under the token budget.
  void StartPrefill(int w, double t) {
    PrefillWorker& pw = prefill_[w];
    pw.batch.clear();
    BatchShape s;
    int64_t budget = c_.prefill.max_num_batched_tokens;
    for (int64_t j : pw.queue) {
      if (budget <= 0 || static_cast<int>(pw.batch.size()) >= c_.prefill.max_num_seqs) break;
      Job& job = jobs_[j];
      const int64_t chunk = std::min(budget, job.request.input_tokens - job.prefilled);
      if (job.prefilled == 0) job.record.prefill_start = Seconds{t};
      pw.batch.emplace_back(j, chunk);
      s.prefill_sequences += 1;
      s.prefill_tokens += chunk;
      s.prefill_cached_tokens += job.prefilled;
      s.prefill_attention_pairs += static_cast<double>(chunk) * (job.prefilled + (chunk + 1) / 2.0);
      budget -= chunk;
    }
    if (pw.batch.empty()) {
      pw.busy = false;
      return;
    }
    pw.busy = true;
    Push(t + prefill_model_.StepTime(s).v, EventKind::kPrefillStepEnd, w);
  }

  void OnPrefillEnd(int w, double t) {
    PrefillWorker& pw = prefill_[w];
    for (auto [j, chunk] : pw.batch) {
      Job& job = jobs_[j];
      job.prefilled += chunk;
      if (job.prefilled < job.request.input_tokens) continue;
      pw.queue.erase(std::find(pw.queue.begin(), pw.queue.end(), j));
      job.record.prefill_end = Seconds{t};
      if (!c_.first_token_after_decode_step) job.record.first_token = Seconds{t};
      // The KV crosses this worker's link; a busy link queues the transfer.
      const double start = std::max(t, pw.link_free);
      const Bytes bytes = c_.kv_bytes_per_token * static_cast<double>(job.request.input_tokens);
      const double end = start + c_.link.latency.v + (bytes / c_.link.bandwidth).v;
      pw.link_free = end;
      job.record.transfer_start = Seconds{start};
      job.record.transfer_end = Seconds{end};
      Push(end, EventKind::kTransferEnd, j);
    }
    StartPrefill(w, t);
  }

  int64_t DecodeTokensNeeded(const Job& job) const {
    return c_.first_token_after_decode_step ? job.request.output_tokens : job.request.output_tokens - 1;
  }

  void OnTransferEnd(int64_t j, double t) {
    if (DecodeTokensNeeded(jobs_[j]) == 0) {  // one output token, already emitted by the prefill worker
      Finish(j, t);
      return;
    }
    int best = 0;
    for (int w = 1; w < static_cast<int>(decode_.size()); ++w)
      if (decode_[w].Load() < decode_[best].Load()) best = w;
    jobs_[j].record.decode_worker = best;
    decode_[best].waiting.push_back(j);
    if (!decode_[best].busy) StartDecode(best, t);
  }

  void StartDecode(int w, double t) {
    DecodeWorker& dw = decode_[w];
    // Admit at the step boundary, FIFO, while the running set and the KV (whole context reserved) allow.
    while (!dw.waiting.empty() && static_cast<int>(dw.running.size()) < c_.decode.max_num_seqs) {
      const Job& job = jobs_[dw.waiting.front()];
      const int64_t need = job.request.input_tokens + job.request.output_tokens;
      if (dw.kv_used + need > c_.decode.kv_capacity_tokens) break;
      dw.kv_used += need;
      dw.running.push_back(dw.waiting.front());
      dw.waiting.pop_front();
    }
    if (dw.running.empty()) {
      dw.busy = false;
      return;
    }
    BatchShape s;
    s.decode_sequences = static_cast<int>(dw.running.size());
    for (int64_t j : dw.running) s.decode_context_tokens += jobs_[j].request.input_tokens + jobs_[j].generated;
    dw.busy = true;
    Push(t + decode_model_.StepTime(s).v, EventKind::kDecodeStepEnd, w);
  }

  void OnDecodeEnd(int w, double t) {
    DecodeWorker& dw = decode_[w];
    std::vector<int64_t> still;
    for (int64_t j : dw.running) {
      Job& job = jobs_[j];
      job.generated += 1;
      if (job.generated == 1 && c_.first_token_after_decode_step) job.record.first_token = Seconds{t};
      if (job.generated >= DecodeTokensNeeded(job)) {
        dw.kv_used -= job.request.input_tokens + job.request.output_tokens;
        Finish(j, t);
      } else {
        still.push_back(j);
      }
    }
    dw.running = std::move(still);
    StartDecode(w, t);
  }

  void Finish(int64_t j, double t) {
    jobs_[j].record.finished = Seconds{t};
    if (jobs_[j].client >= 0) Issue(jobs_[j].client, t);
  }

  DisaggResult Summarize() const {
    DisaggResult r;
    std::vector<double> ttft, tpot, e2e, queue, transfer;
    double first = 1e300, last = 0;
    int64_t output = 0;
    // A measured closed loop: latencies of the requests sent in [warm-up, n - clients), throughput over the sends.
    int64_t begin = 0, end = static_cast<int64_t>(jobs_.size());
    if (c_.closed_loop_clients && c_.closed_loop_warmup_requests && !jobs_.empty()) {
      const int clients = *c_.closed_loop_clients;
      begin = *c_.closed_loop_warmup_requests < 0 ? DefaultWarmupRequests(clients) : *c_.closed_loop_warmup_requests;
      end = std::max(begin, end - clients);
    }
    for (int64_t i = 0; i < static_cast<int64_t>(jobs_.size()); ++i) r.requests.push_back(jobs_[i].record);
    for (int64_t i = begin; i < end; ++i) {
      const Job& j = jobs_[i];
      const DisaggRecord& x = j.record;
      r.completed_requests += 1;
      output += j.request.output_tokens;
      first = std::min(first, x.arrival.v);
      last = std::max(last, x.finished.v);
      ttft.push_back((x.first_token - x.arrival).v);
      e2e.push_back((x.finished - x.arrival).v);
      queue.push_back((x.prefill_start - x.arrival).v);
      transfer.push_back((x.transfer_end - x.prefill_end).v);
      if (j.request.output_tokens > 1)
        tpot.push_back((x.finished - x.first_token).v / static_cast<double>(j.request.output_tokens - 1));
    }
    r.ttft = sim::SummarizeLatency(ttft);
    r.tpot = sim::SummarizeLatency(tpot);
    r.e2e = sim::SummarizeLatency(e2e);
    r.prefill_queue = sim::SummarizeLatency(queue);
    r.transfer = sim::SummarizeLatency(transfer);
    r.window = Seconds{jobs_.empty() ? 0 : last - first};
    if (begin > 0 || end < static_cast<int64_t>(jobs_.size())) {
      // Completions between the first measured send and the last send, over that span.
      const double start = jobs_[begin].record.arrival.v, stop = jobs_.back().record.arrival.v;
      int64_t done = 0, tokens = 0;
      for (const Job& j : jobs_)
        if (j.record.finished.v > start && j.record.finished.v <= stop) {
          done += 1;
          tokens += j.request.output_tokens;
        }
      r.window = Seconds{stop - start};
      if (r.window.v > 0) {
        r.output_tokens_per_second = static_cast<double>(tokens) / r.window.v;
        r.requests_per_second = static_cast<double>(done) / r.window.v;
      }
      return r;
    }
    if (r.window.v > 0) {
      r.output_tokens_per_second = static_cast<double>(output) / r.window.v;
      r.requests_per_second = static_cast<double>(r.completed_requests) / r.window.v;
    }
    return r;
  }

  const DisaggConfig& c_;
  const std::vector<Request>& source_;
  const StepTimeModel& prefill_model_;
  const StepTimeModel& decode_model_;
  std::vector<PrefillWorker> prefill_;
  std::vector<DecodeWorker> decode_;
  std::deque<Job> jobs_;  // grows while closed-loop clients issue; a deque keeps references valid
  size_t next_source_ = 0;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  int64_t order_ = 0;
  int64_t steps_ = 0;
};

}  // namespace

Result<DisaggResult> SimulateDisaggregated(const DisaggConfig& config, const std::vector<Request>& requests,
                                           const StepTimeModel& prefill_model, const StepTimeModel& decode_model) {
  CAPPLAN_RETURN_IF_ERROR(Validate(config, requests));
  DisaggSim sim(config, requests, prefill_model, decode_model);
  return sim.Run();
}

}  // namespace capplan
