// Typed calls to capplan's JSON API (docs/api.md). Every call resolves to a value or an ApiError with
// the server's message, so a missing route or a bad input shows as text on the page, never as a crash.

export interface ApiErrorBody {
  code: string;
  message: string;
  field: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export interface PresetEntry {
  name: string;
  hf_id: string;
  official: string;
  family: string;
  aliases: string[];
  params: { total: number; active: number; active_without_embedding: number };
  num_experts: number;
  experts_per_token: number;
}

export type ParamComponents = Record<string, number>;

export interface ModelInfo {
  name: string;
  family: string;
  source: string;
  mode: 'config' | 'simple';
  params: {
    total: number;
    active: number;
    active_without_embedding: number;
    components: ParamComponents;
    active_components: ParamComponents;
  };
  architecture: {
    num_layers: number;
    moe_layers: number;
    num_experts: number;
    experts_per_token: number;
    hidden_size: number;
    num_heads: number;
    num_kv_heads: number;
    head_dim: number;
    max_context_tokens: number;
    mla: boolean;
  };
  native_precision: string;
  weights_bytes: Record<string, number>;
  kv_cache: { bytes_per_token: number; bytes_per_sequence: number; context_tokens: number };
  flops_per_token: { linear_flops: number; attention_flops: number; total_flops: number; context_tokens: number };
  limitations: string[];
}

export interface GpuInfo {
  id: string;
  name: string;
  vendor: string;
  aliases: string[];
  memory_usable_bytes: number;
  memory_marketed_bytes: number;
  hbm_bandwidth_bytes_per_second: number;
}

export interface Warning {
  code: string;
  message: string;
}

export interface Layout {
  tp: number;
  ep: number;
  pp: number;
  replicas: number;
  gpus_per_replica: number;
  total_gpus: number;
  auto?: boolean;
}

export interface MemoryResult {
  per_gpu: {
    weights_bytes: number;
    weights_by_component_bytes: Record<string, number>;
    kv_cache_bytes: number;
    kv_cache_needed_bytes: number;
    kv_bytes_per_sequence: number;
    activation_bytes: number;
    overhead_bytes: number;
    capacity_bytes: number;
    free_bytes: number;
  };
  fits: boolean;
  reason: string;
  kv_tokens: number;
  max_concurrent_sequences: number;
  max_context_at_batch_tokens: number;
  max_single_sequence_tokens: number;
  context_tokens: number;
  batch: number;
  warnings: Warning[];
  launch?: LaunchCommands;
  gpu: string;
  gpu_name: string;
  gpu_memory_usable_bytes: number;
  gpu_count: number;
  weights_dtype: string;
  kv_dtype: string;
  engine: string;
  layout: Layout;
  model: string;
  limitations: string[];
}

export type Bound = 'memory' | 'compute' | 'communication' | 'overhead';

export interface PerfPoint {
  batch: number;
  tokens_per_second: number;
  step_seconds: number;
  bound: Bound;
}

/// How sure a latency is (issue 12): measured / predicted lies in [low, high] for the middle 80% of the `count`
/// out-of-sample comparisons of the regime ("vllm moe hopper"); count 0: no band for the regime yet.
export interface ErrorBand {
  low: number;
  high: number;
  count: number;
  regime: string;
}

/// The keys of `capplan perf --json` (issue 4).
export interface PerfResult {
  decode: { step_seconds: number; tokens_per_second: number; tpot_seconds: number; bound: Bound; tpot_error_band?: ErrorBand };
  prefill: { ttft_seconds: number; ttft_error_band?: ErrorBand };
  bound: Bound;
  max_load: { output_tokens_per_second: number; requests_per_second?: number; concurrency?: number };
  dense_comparison?: { dense_total_tokens_per_second: number; dense_active_tokens_per_second: number; moe_tokens_per_second: number };
  curve?: PerfPoint[];
  warnings?: Warning[];
}

export interface Percentiles {
  mean?: number;
  p50: number;
  p90?: number;
  p95: number;
  p99: number;
}

/// One rate of `capplan simulate --sweep --json` (issue 5).
export interface SimulatePoint {
  rate_per_second: number;
  meets_targets: boolean;
  ttft_seconds: Percentiles;
  tpot_seconds: Percentiles;
  e2e_seconds: Percentiles;
}

export interface SimulateResult {
  found: boolean;
  max_rate_per_second: number;
  points: SimulatePoint[];
  error_bands?: { ttft_seconds: ErrorBand; tpot_seconds: ErrorBand };
}

/// One priced configuration of `capplan plan --json` (issue 6).
/// A replica's (or a disaggregated pool's) layout as `capplan plan --json` names it.
export interface PlanLayout {
  tp: number;
  ep: number;
  pp: number;
  replicas: number;
  dp_attention?: number;
}

export interface PlanCandidate {
  gpu: string;
  gpu_name: string;
  gpu_count: number;
  layout: PlanLayout;
  /// aggregated, attention-DP or disaggregated (then `disagg` has both pools; `layout` is the decode pool's).
  mode?: string;
  disagg?: { prefill: { workers: number; layout: PlanLayout }; decode: { workers: number; layout: PlanLayout } } | null;
  speculative?: { method: string; tokens: number; acceptance: number[] } | null;
  weights_dtype: string;
  kv_dtype: string;
  output_tokens_per_second: number;
  gpus_per_replica?: number;
  replicas?: number;
  provider: string;
  price_as_of: string;
  cost: { usd_per_gpu_hour: number; usd_per_hour: number; usd_per_month: number; usd_per_million_output_tokens: number };
  latency: Latency;
}

/// Candidates name these ttft_seconds...; `capplan plan --json`'s recommended.latency names them ttft...
export interface Latency {
  simulated?: boolean;
  ttft_seconds?: Percentiles;
  tpot_seconds?: Percentiles;
  e2e_seconds?: Percentiles;
  ttft?: Percentiles;
  tpot?: Percentiles;
  e2e?: Percentiles;
}

export interface TrafficTier {
  tokens_per_month: number;
  self_host_replicas: number;
  self_host_usd_per_month: number;
  apis: Array<{ provider: string; usd_per_month: number }>;
  cheapest: string;
}

/// One row of `capplan fit --json`'s configurations (the minimum viable configurations), as POST /api/fit
/// answers it: the CLI's keys plus the cheapest rental (null when no provider prices the GPU).
export interface FitConfiguration {
  gpu: string;
  gpus: number;
  weights: string;
  layout: { tp: number; ep: number; pp: number };
  max_concurrent_sequences?: number;
  free_bytes?: number;
  total_tdp_watts?: number;
  usd_per_month?: number | null;
  usd_per_hour?: number | null;
  gpus_billed?: number | null;
  provider?: string | null;
  price_as_of?: string | null;
}
export interface FitResult {
  configurations: FitConfiguration[];
}

/// Launch commands (vLLM, SGLang, TensorRT-LLM as the server offers them): one string per engine, and
/// from the engine module on, `commands` with TensorRT-LLM's options file, the checkpoint and notes.
export interface LaunchCommand {
  engine: string;
  command: string;
  options_file?: string;
  checkpoint?: string;
  notes?: string[];
}
export type LaunchCommands = Partial<Record<'vllm' | 'sglang' | 'trtllm', string>> & { engine?: string; commands?: LaunchCommand[] };

export interface Health {
  status: string;
  version: string;
  /// The server's simulation bounds, when it publishes them (docs/api.md's figures otherwise).
  limits?: { max_simulated_requests?: number; max_simulated_tokens?: number; sweep_simulations?: number };
}

export interface ApiComparison {
  provider: string;
  model: string;
  usd_per_month: number;
  crossover_tokens_per_month: number | null;
  crossover_within_capacity?: boolean;
  api_cheaper: boolean;
  price_as_of: string;
  staleness?: string;
}

/// One provider's bill for the configuration on screen (POST /api/cost, `capplan cost --json`'s providers[]).
export interface ProviderCost {
  provider: string;
  usd_per_hour: number;
  usd_per_month: number;
  usd_per_million_output_tokens: number;
  gpus_billed: number;
  gpus_used: number;
  instances: number;
  gpus_per_instance: number;
  instance: string;
  usd_per_gpu_hour: number;
  as_of: string;
  staleness: 'fresh' | 'stale' | 'unknown';
  tier: string;
  pricing_type: string;
  source: string;
}

export interface CostResult {
  tier: string;
  today: string;
  capacity: { replicas: number; requests_per_second: number; output_tokens_per_second: number; slo_concurrency_per_replica: number; tokens_per_month_24x7: number };
  providers: ProviderCost[];
  spot: { note: string; spare_replicas: number } | null;
  own: { usd_per_gpu_hour: number; basis: string } | null;
}

export interface ProvidersResult {
  gpu_providers: string[];
  api_providers: string[];
}

/// `fleet` of `capplan plan --traffic-profile --json` (POST /api/plan with traffic_profile).
export interface FleetResult {
  profile: string;
  requests_per_second_by_hour: number[];
  replicas_by_hour: number[];
  static_replicas: number;
  static_gpu_hours_per_day: number;
  autoscaled_gpu_hours_per_day: number;
  usd_per_month_static: number;
  usd_per_month_autoscaled: number;
  scale_up_delay_seconds: number;
  simulated: boolean;
  slo_attainment: number | null;
  slo_attainment_static: number | null;
  ramps: Array<{ hour: number; seconds: number; replicas_serving: number; replicas_needed: number; requests_per_second: number; slo_attainment: number | null }>;
  candidate: PlanCandidate;
  usd_per_month_recommendation_24x7: number;
  simulated_requests_per_stretch?: number;
}

export type PlanResult =
  | { feasible: false; reason: string; suggestions: string[] }
  | {
      feasible: true;
      recommended: PlanCandidate & {
        launch?: LaunchCommands;
        warnings?: Warning[];
      };
      candidates: PlanCandidate[];
      api_comparison: ApiComparison[];
      api_match?: { exact: boolean; equivalent: string; why: string };
      workload?: { tokens_per_month: number };
      traffic_tiers?: TrafficTier[];
      fleet?: FleetResult;
    };

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (e) {
    if (signal?.aborted) throw e;
    return { ok: false, error: new ApiError(0, { code: 'network', message: `${path}: the server did not answer`, field: '' }) };
  }
  let json: unknown = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  if (res.ok) return { ok: true, value: json as T };
  const err = (json as { error?: ApiErrorBody } | null)?.error;
  return {
    ok: false,
    error: new ApiError(res.status, err ?? { code: 'http', message: `${path}: HTTP ${res.status}`, field: '' }),
  };
}

export const api = {
  health: () => call<Health>('GET', '/api/health'),
  fit: (req: unknown, signal?: AbortSignal) => call<FitResult>('POST', '/api/fit', req, signal),
  models: () => call<{ models: PresetEntry[] }>('GET', '/api/models'),
  gpus: () => call<{ gpus: GpuInfo[] }>('GET', '/api/gpus'),
  model: (req: unknown, signal?: AbortSignal) => call<ModelInfo>('POST', '/api/model', req, signal),
  memory: (req: unknown, signal?: AbortSignal) => call<MemoryResult>('POST', '/api/memory', req, signal),
  perf: (req: unknown, signal?: AbortSignal) => call<PerfResult>('POST', '/api/perf', req, signal),
  simulate: (req: unknown, signal?: AbortSignal) => call<SimulateResult>('POST', '/api/simulate', req, signal),
  plan: (req: unknown, signal?: AbortSignal) => call<PlanResult>('POST', '/api/plan', req, signal),
  cost: (req: unknown, signal?: AbortSignal) => call<CostResult>('POST', '/api/cost', req, signal),
  providers: () => call<ProvidersResult>('GET', '/api/providers'),
};
