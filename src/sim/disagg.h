// Disaggregated serving: a pool of prefill workers and a pool of decode workers, the KV of each
// request moving from one to the other over a link with a queue (docs/scale.md).
//
// A request waits for a prefill worker (shortest queue), which batches waiting prompts up to its
// token budget per step (a longer prompt runs alone, chunk by chunk). When its prompt is done, its
// KV (kv_bytes_per_token x input tokens) crosses the prefill worker's link, one transfer at a time
// (later ones queue). It then joins the decode worker with the fewest requests at the next step
// boundary, if its KV fits there; each decode step emits one token for every running request
// (continuous batching, up to max_num_seqs).
// TTFT = prefill queue + prefill + transfer queue + transfer + (the first decode step when
// first_token_after_decode_step: SGLang and Dynamo stream the first token from the decode worker;
// otherwise the prefill worker's token counts). Deterministic; open-loop requests or closed-loop
// clients.
#pragma once

#include <optional>
#include <vector>

#include "capplan/error.h"
#include "capplan/sim.h"
#include "capplan/step_time.h"
#include "capplan/units.h"

namespace capplan {

/// A KV transfer link from a prefill worker to the decode pool: NVLink inside an NVL72 domain,
/// RDMA (the scale-out NIC per GPU, times the GPUs of the worker) otherwise.
struct KvLink {
  BytesPerSec bandwidth;  // per prefill worker
  Seconds latency;        // per transfer (handshake, first byte)
};

/// Per-transfer set-up of a KV move (connection handshake, first byte). Assumed, not measured: NIXL and Mooncake
/// report sub-millisecond set-up on RDMA; 1 ms is the conservative end.
inline constexpr Seconds kDefaultKvTransferLatency{1e-3};

struct DisaggPool {
  int workers = 1;
  int max_num_seqs = 256;                 // decode: running set; prefill: prompts per step
  int64_t max_num_batched_tokens = 8192;  // prefill: tokens per step
  int64_t kv_capacity_tokens = 1 << 20;   // decode: KV slots per worker
};

struct DisaggConfig {
  DisaggPool prefill;
  DisaggPool decode;
  KvLink link;
  Bytes kv_bytes_per_token;  // of the whole model (what crosses the link per prompt token)
  bool first_token_after_decode_step = true;
  std::optional<int> closed_loop_clients;  // each client sends its next request when one finishes
  /// Closed loop only. Set: the metrics cover the requests sent after the first `warm-up` ones and before the
  /// last `clients` (the drain), and throughput counts completions between the first measured send and the last
  /// send, as SimulateClosedLoop measures an aggregated closed loop (docs/metrics.md, "Closed loop"); < 0:
  /// DefaultWarmupRequests(clients). Unset: every request counts.
  std::optional<int64_t> closed_loop_warmup_requests;
  int64_t max_steps = 50'000'000;
};

struct DisaggRecord {
  Seconds arrival, prefill_start, prefill_end, transfer_start, transfer_end, first_token, finished;
  int prefill_worker = 0;
  int decode_worker = 0;
};

struct DisaggResult {
  int64_t completed_requests = 0;  // the requests the metrics cover (a measured closed loop: after the warm-up)
  Seconds window;                  // first arrival to last token
  LatencySummary ttft, tpot, e2e, prefill_queue, transfer;  // transfer: queue + time on the link
  double output_tokens_per_second = 0;
  double requests_per_second = 0;
  std::vector<DisaggRecord> requests;  // in arrival (or, closed-loop, issue) order
};

/// Open loop: serves `requests` at their arrival times. Closed loop (config.closed_loop_clients):
/// `requests` gives the lengths, taken in order, and arrivals come from the clients.
/// Errors: kInvalidArgument naming the field (workers, budgets, link bandwidth, a request whose KV
/// does not fit one decode worker); kResourceLimit past max_steps.
Result<DisaggResult> SimulateDisaggregated(const DisaggConfig& config, const std::vector<Request>& requests,
                                           const StepTimeModel& prefill_model, const StepTimeModel& decode_model);

}  // namespace capplan
