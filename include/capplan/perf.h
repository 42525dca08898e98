// The performance model: an MoE-aware roofline for prefill, decode and mixed steps.
//
// Step time of one replica = sum over pipeline stages and layers of, per operation (attention,
// dense MLP, shared experts, routed experts, LM head), max(compute, memory), plus the tensor-parallel
// all-reduces, the expert-parallel all-to-all and the pipeline hand-offs, plus a per-step overhead.
// Memory traffic counts the weights a step actually reads: for routed experts, the *expected distinct
// experts* the batch routes to on the busiest expert-parallel rank (E(1-(1-k/E)^B) under uniform
// routing, widened by a calibrated skew). Efficiencies (achievable bandwidth, matmul efficiency by
// tokens per GEMM, overheads) come from one calibration file, data/calibration/perf.json.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "capplan/error.h"
#include "capplan/memory.h"
#include "capplan/model.h"
#include "capplan/step_time.h"
#include "capplan/units.h"

namespace capplan {

/// Achievable fractions of the datasheet peaks and fixed costs, fitted to shared/validation
/// (see docs/validation.md for how). One set per GPU family; engine-specific step overheads.
struct PerfCalibration {
  std::string family;                  // "hopper", "ampere", "blackwell", "default"
  std::string engine;                  // "vllm", "sglang", "trtllm"; empty: any engine (the family prior)
  std::string fitted_on;               // provenance: engine versions and rows the constants were fitted on
  double hbm_efficiency = 0.80;        // fraction of peak HBM bandwidth a decode step's reads reach
  double matmul_efficiency = 0.70;     // large-GEMM fraction of dense peak FLOP/s
  double matmul_half_tokens = 64;      // tokens per GEMM at which efficiency is half of matmul_efficiency
  double attention_efficiency = 0.50;  // fraction of peak for attention FLOPs (flash-attention kernels)
  double comm_efficiency = 0.70;       // fraction of link bandwidth collectives reach
  Seconds collective_latency{10e-6};   // per all-reduce / all-to-all call
  Seconds layer_overhead{20e-6};       // per layer per step (kernel launches not hidden by CUDA graphs)
  Seconds step_overhead{2e-3};         // per step, fixed (scheduler, launch of the step)
  Seconds sequence_overhead{0};        // per sequence in the step (sampling, detokenization, bookkeeping)
  double routing_skew = 0.2;           // busiest EP rank's excess load over uniform routing (0 = uniform)
  double expert_matmul_scale = 1.0;    // grouped expert GEMMs' efficiency relative to a dense GEMM of the same rows
  Seconds moe_layer_overhead{0};       // per MoE layer per step: routing, token permutation and un-permutation kernels
  /// Per GEMM a step launches (GemmLaunchesOfLayer): a kernel's fixed time (its launch inside the CUDA graph, ramp
  /// and tail, and the quantization of its input activations), which no byte or FLOP count contains; 0: none.
  Seconds gemm_launch_overhead{0};
  int max_batch = 1024;            // published max-load rows only: trtllm-bench's own batch heuristic
  double expert_half_tokens = 0;   // tokens per expert at which grouped-GEMM efficiency halves (0: matmul_half_tokens)
  bool overlap_scheduler = false;  // the engine schedules step n+1 on the CPU while step n runs on the GPU
  /// Measured sweeps only: the share of a benchmark's requests that belong to its synchronised first wave (1 /
  /// requests per client); fitted per engine's harness, never used for a steady-state prediction.
  double first_wave_weight = 0;
  /// Per request, in TTFT and E2E: the API server's path from receiving a request to streaming its first token
  /// (HTTP, tokenization, hand-off to the engine core, detokenization), which no GPU step contains.
  Seconds request_overhead{0};
};

/// How an engine fills a step when prompts wait beside running decodes (data/calibration/scheduling.json, each
/// with its source): kMixedChunked = decodes first, then prompts chunked into the token budget they leave
/// (vLLM V1); kPrefillFirst = waiting prompts run in a step of their own, decodes pause (SGLang without
/// --enable-mixed-chunk); kMixedWhole = decodes and whole prompts in one step (TensorRT-LLM, chunking off).
enum class PrefillPolicy { kMixedChunked, kPrefillFirst, kMixedWhole };
std::string_view PrefillPolicyName(PrefillPolicy p);
/// Parses a scheduling file: {"engines": [{"engine", "prefill_policy", "source"}]}; errors name the file and field.
Result<std::vector<std::pair<Engine, PrefillPolicy>>> ParseScheduling(std::string_view json_text,
                                                                      std::string_view source_name);
/// The engine's default policy from the built-in file.
PrefillPolicy PrefillPolicyOf(Engine e);

/// What a running sequence holds in the KV pool (data/calibration/scheduling.json, each with its source):
/// kOnDemand = paged blocks allocated as its tokens are written, preempting when the pool runs out (vLLM V1);
/// kFullSequence = blocks for input + max output reserved at admission (TensorRT-LLM's GUARANTEED_NO_EVICT; SGLang's
/// reservation, of which it is the upper bound).
enum class KvAdmission { kFullSequence, kOnDemand };
/// Parses the kv_admission of every engine in a scheduling file ("on_demand" or "full_sequence", with
/// kv_admission_source); errors name the file and field.
Result<std::vector<std::pair<Engine, KvAdmission>>> ParseKvAdmission(std::string_view json_text,
                                                                     std::string_view source_name);
/// The engine's KV admission from the built-in file.
KvAdmission KvAdmissionOf(Engine e);
/// The context per running sequence that sets how many sequences the KV pool holds in a closed loop's steady state:
/// input + output under kFullSequence, the mean context input + output / 2 under kOnDemand (the running sequences
/// are spread over their outputs).
int64_t SteadyStateKvContext(KvAdmission a, int64_t input_tokens, int64_t output_tokens);

/// Calibration for a GPU (by its vendor and generation) from the built-in file.
PerfCalibration CalibrationFor(const GpuSpec& g);
/// Calibration for an engine on a GPU: the (engine, family) entry, else the family's, else "default".
PerfCalibration CalibrationFor(const GpuSpec& g, Engine engine);
/// CalibrationFor(d.gpu, d.engine.engine): the constants of the deployment's engine on its GPU.
PerfCalibration CalibrationFor(const Deployment& d);
/// Parses a calibration file (the built-in one or a user's); errors name the file and field.
Result<std::vector<PerfCalibration>> ParseCalibration(std::string_view json_text, std::string_view source_name);
/// The built-in calibration entries.
const std::vector<PerfCalibration>& BuiltInCalibrations();
/// The calibration family of a GPU: its catalog row's perf_family (data/hardware: "hopper", "ampere", "blackwell",
/// "ada", "cdna3"), "default" when the row has none.
std::string PerfFamilyOf(const GpuSpec& g);
/// Picks the engine-independent entry for a GPU from a parsed list ("default" when no family matches).
PerfCalibration SelectCalibration(const std::vector<PerfCalibration>& all, const GpuSpec& g);
/// Picks the (engine, family) entry, falling back to the family's engine-independent one, then "default".
PerfCalibration SelectCalibration(const std::vector<PerfCalibration>& all, const GpuSpec& g, std::string_view engine);

// ---- Formulas ---------------------------------------------------------------------------------

/// E(1 - (1 - k/E)^tokens): expected distinct experts of E, top-k, touched by `tokens` tokens
/// under uniform routing. tokens = 1 gives k; large tokens approach E.
double ExpectedDistinctExperts(int num_experts, int top_k, double tokens);

/// Expert-parallel load of the busiest of `ep` ranks: expert-token assignments routed to it and
/// distinct experts it reads, for `tokens` tokens, with routing skew `skew`.
struct ExpertLoad {
  double assignments = 0;       // token-expert pairs computed on the busiest rank
  double distinct_experts = 0;  // experts whose weights that rank reads
};
ExpertLoad BusiestRankExpertLoad(int num_experts, int top_k, int ep, double tokens, double skew);

/// Matmul efficiency at `tokens` rows per GEMM: matmul_efficiency * m / (m + matmul_half_tokens).
double MatmulEfficiency(const PerfCalibration& c, double tokens);

/// Ring all-reduce of `bytes` over `n` GPUs: 2 (n-1)/n bytes over the link, plus latency.
Seconds AllReduceTime(Bytes bytes, int n, BytesPerSec link, const PerfCalibration& c);

// ---- Step model ------------------------------------------------------------------------------

/// What limits a step, in the terms an infrastructure engineer uses: reading the weights, reading the KV cache,
/// GEMMs that would be memory-bound at large-GEMM efficiency but run slower because they are small (GEMM
/// efficiency), true compute, communication, and launch/host overhead.
enum class Bound { kWeightsRead, kKvRead, kGemmEfficiency, kCompute, kCommunication, kOverhead };
std::string_view BoundName(Bound b);

struct StepBreakdown {
  Seconds total;
  Seconds compute;   // sum over operations of their compute time
  Seconds memory;    // sum over operations of their memory time
  Seconds roofline;  // sum over operations of max(compute, memory)
  Seconds communication;
  Seconds overhead;       // launch (per layer, on the GPU) and host (per step and sequence) overhead
  Seconds host_overhead;  // the host part: hidden behind the GPU when the engine overlaps its scheduler
  // The roofline time split by what limits each operation (they sum to roofline).
  Seconds weights_read, kv_read, gemm_efficiency, compute_limited;
  Bound bound = Bound::kWeightsRead;  // the largest of the four parts above, communication and overhead
  Bytes bytes_read;                   // per GPU (busiest), weights + KV + activations
  Flops flops;                        // per GPU (busiest)
  double distinct_experts = 0;        // per MoE layer on the busiest rank (0 for dense models)
};

/// The roofline step-time model for one replica of a deployment.
class RooflineStepTimeModel final : public StepTimeModel {
 public:
  RooflineStepTimeModel(ModelSpec model, Deployment deployment, PerfCalibration calibration);
  Seconds StepTime(const BatchShape& shape) const override;
  StepBreakdown Breakdown(const BatchShape& shape) const;
  const ModelSpec& model() const { return model_; }
  const Deployment& deployment() const { return deployment_; }
  const PerfCalibration& calibration() const { return calibration_; }

 private:
  ModelSpec model_;
  Deployment deployment_;
  PerfCalibration calibration_;
};

/// A decode-only step of `batch` sequences each at `context` tokens.
BatchShape DecodeShape(int batch, int64_t context);
/// A prefill-only step of one chunk of `tokens` tokens after `cached` tokens.
BatchShape PrefillShape(int64_t tokens, int64_t cached);
/// The busiest of `ranks` attention-DP ranks' part of a step: ceil(n / ranks) of its decodes (at their mean context)
/// and ceil(n / ranks) of its prompts (their tokens, cached tokens and attention pairs in proportion). Sequences are
/// whole: one prompt is one rank's, and the step waits for that rank. `ranks` <= 1: the shape itself.
BatchShape BusiestRankShape(const BatchShape& shape, int ranks);
/// The GEMM kernels one layer launches in a step (each pays PerfCalibration::gemm_launch_overhead): GQA/MHA attention
/// 2 (fused QKV, output), MLA 5 (fused q_a + kv_a, q_b, the absorbed kv_b as two batched GEMMs, output), another
/// mixer 2 (input and output projections); a dense MLP 2 (fused gate-up, down), shared experts 2, routed experts 3
/// (router, the grouped up and down GEMMs).
int GemmLaunchesOfLayer(const ModelSpec& m, const LayerSpec& layer);

// ---- Predictions -----------------------------------------------------------------------------

struct PerfQuery {
  int64_t input_tokens = 1000;
  int64_t output_tokens = 500;
  int batch = 16;       // for the decode point
  int concurrency = 0;  // > 0: also the closed-loop steady state at this many clients (whole deployment)
};

struct CurvePoint {
  int batch = 0;
  Seconds step;
  double tokens_per_second = 0;  // whole deployment (all replicas)
  Bound bound = Bound::kWeightsRead;
  double distinct_experts = 0;
};

struct MaxLoad {
  int concurrency = 0;                  // sequences running at once per replica
  std::string concurrency_limit;        // "kv_cache", "engine_max_batch", "token_budget"
  double output_tokens_per_second = 0;  // whole deployment
  double requests_per_second = 0;
  Seconds step;  // the steady-state mixed step
  Seconds tpot;  // decode time per output token at that load
};

/// The analytic steady state of a closed loop of `clients` clients on one replica (docs/perf.md, "Closed loop"):
/// R = min(clients, engine batch cap, KV capacity) run at once. Each decode step finishes R / output requests
/// and their clients send the next at once, so q = R / output prompts join per step, spread over it (the
/// clients drift apart); the k = max(1, ceil(q)) that arrive during one step are scheduled together in the next,
/// after waiting out the running step (half a step on average). How the step carries them is the engine's
/// PrefillPolicy: mixed with the decodes in the budget they leave (chunked, or whole), or alone in prefill-only
/// steps that pause the decodes (TPOT then pays q / k of such a step per decode step). The clients beyond R
/// queue, and by Little's law (N = X x E2E) their wait is N / X - service time. TTFT and E2E include the
/// calibration's request_overhead.
struct ClosedLoopPoint {
  int clients = 0;            // per replica
  int running = 0;            // sequences in the running batch
  std::string running_limit;  // "clients", "engine_max_batch" (or "max_num_seqs"), "kv_cache"
  Seconds ttft, tpot, e2e, queueing;
  /// Mean TTFT of the synchronised first wave: every client's first prompt arrives at once and the prompts are
  /// prefilled a budget at a time. A benchmark that averages over all its requests includes this wave.
  Seconds first_wave_ttft;
  int prompts_per_prefill = 1;  // k: prompts scheduled together in the steady state
  PrefillPolicy policy = PrefillPolicy::kMixedChunked;
  double output_tokens_per_second = 0;  // whole deployment
  double requests_per_second = 0;       // whole deployment
  StepBreakdown step;                   // the mean steady-state step
};
struct PerfPrediction {
  int batch = 0;                        // the decode point's batch: query.batch, or what memory allows when less
  std::string note;                     // why the batch or concurrency was lowered, empty when not
  StepBreakdown decode;                 // at `batch`, context input + output/2
  double decode_tokens_per_second = 0;  // whole deployment at query.batch per replica
  Seconds tpot;                         // = decode step time (one token per step)
  Seconds ttft;                         // one request of input tokens on an idle replica (chunked prefill)
  Bound bound = Bound::kWeightsRead;
  MaxLoad max_load;
  std::vector<CurvePoint> curve;  // batch 1, 2, 4, ... up to max concurrency
  // What dense sizing would predict at query.batch: a dense model of the total size (every
  // parameter read and computed) and one of the active size (only k experts read per token).
  double dense_total_tokens_per_second = 0;
  double dense_active_tokens_per_second = 0;
  MemoryBudget memory;
  bool has_closed_loop = false;  // query.concurrency > 0
  ClosedLoopPoint closed_loop;   // per-replica clients = concurrency / replicas (rounded up)
};

/// The memory budget of a deployment that must fit: kInfeasible "the deployment does not fit: <reason>"
/// otherwise. Every prediction and simulation starts here.
Result<MemoryBudget> FittingBudget(const ModelSpec& m, const Deployment& d, const BudgetQuery& q);

/// The engine's running-batch cap per replica: --max-num-seqs when set, else the engine's documented default
/// (vLLM 1024 on >= 70 GiB GPUs, else 256; see docs/memory.md), never a fitted constant.
int EngineMaxBatch(const Deployment& d, const PerfCalibration& c);

/// The steady state at `concurrency` sequences per replica: each step carries D decodes and P prefill
/// tokens with P / D = input / output, within the engine's per-step token budget. Throughput counts
/// every replica of the model's deployment.
MaxLoad SteadyState(const RooflineStepTimeModel& model, int concurrency, int64_t input_tokens, int64_t output_tokens);

/// Time to prefill one prompt of `input_tokens` on an idle replica, chunked by the engine's token budget.
Seconds PrefillTime(const RooflineStepTimeModel& model, int64_t input_tokens);

ClosedLoopPoint ClosedLoopSteadyState(const RooflineStepTimeModel& model, int clients, int64_t input_tokens,
                                      int64_t output_tokens, int batch_cap, int kv_sequences);
/// The same under an explicit policy (tests; the overload above uses PrefillPolicyOf(the deployment's engine)).
ClosedLoopPoint ClosedLoopSteadyState(const RooflineStepTimeModel& model, int clients, int64_t input_tokens,
                                      int64_t output_tokens, int batch_cap, int kv_sequences, PrefillPolicy policy);

/// Full prediction for a deployment. Fails when the deployment does not fit (the error says why).
Result<PerfPrediction> PredictPerformance(const ModelSpec& m, const Deployment& d, const PerfQuery& q);
/// Same with an explicit calibration (validation and fitting).
Result<PerfPrediction> PredictPerformance(const ModelSpec& m, const Deployment& d, const PerfQuery& q,
                                          const PerfCalibration& c);

// Validation against published measurements (max-load and online rows): validate.h.

}  // namespace capplan
