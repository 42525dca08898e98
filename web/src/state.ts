// The planner's inputs, and their encoding in the URL query so that a link reproduces a plan.
// Only values that differ from the defaults are written, which keeps shared links short.

export type ModelMode = 'preset' | 'config' | 'simple';

export interface SimpleInputs {
  total: number | null; // parameters; null = left out (sized as if active were total, warned)
  active: number;
  layers: number;
  kvHeads: number;
  headDim: number;
  experts: number;
  topk: number;
}

export interface PlannerState {
  mode: ModelMode;
  preset: string;
  config: string; // config.json text (mode 'config')
  configName: string;
  simple: SimpleInputs;
  countActive: boolean; // false: size as a dense model of the total size
  gpu: string;
  gpus: number;
  weights: string; // 'native' or a dtype
  kvDtype: string;
  engine: string;
  layoutAuto: boolean;
  tp: number;
  ep: number;
  pp: number;
  inputTokens: number;
  outputTokens: number;
  loadMode: 'rate' | 'monthly';
  rate: number; // requests per second
  monthlyTokens: number; // output + input tokens per month
  sloTtftSeconds: number;
  sloTpotSeconds: number;
  context: number; // tokens per sequence the deployment must hold (max model len); 0 = input + output
  concurrency: number; // concurrent sequences the memory check reserves KV for
  planGpus: string[]; // GPU types the plan searches; empty = every GPU type in the catalog
  provider: string; // the one cloud provider the plan and the provider table price; '' = every provider
  pricing: string; // the provider table's tier: on-demand, reserved-1y, reserved-3y, spot, own
  traffic: 'flat' | 'diurnal'; // the plan's day of traffic: the flat rate all day, or a peak and a trough
  peakRate: number; // requests/s at the peak (diurnal)
  troughRate: number; // requests/s at the trough (diurnal)
  peakHours: number; // hours a day at the peak (diurnal)
}

export const DEFAULTS: PlannerState = {
  mode: 'preset',
  preset: 'llama-4-scout',
  config: '',
  configName: 'config.json',
  simple: { total: 109e9, active: 17e9, layers: 48, kvHeads: 8, headDim: 128, experts: 16, topk: 1 },
  countActive: true,
  gpu: 'h100-sxm',
  gpus: 4,
  weights: 'native',
  kvDtype: 'bf16',
  engine: 'vllm',
  layoutAuto: true,
  tp: 4,
  ep: 1,
  pp: 1,
  inputTokens: 1000,
  outputTokens: 500,
  loadMode: 'rate',
  rate: 15,
  monthlyTokens: 10e9,
  sloTtftSeconds: 1,
  sloTpotSeconds: 0.05,
  context: 8192,
  concurrency: 16,
  planGpus: [],
  provider: '',
  pricing: 'on-demand',
  traffic: 'flat',
  peakRate: 15,
  troughRate: 2,
  peakHours: 8,
};

type Flat = Record<string, string>;

// Short query keys; every state field has exactly one.
function flatten(s: PlannerState): Flat {
  return {
    mode: s.mode,
    preset: s.preset,
    cfg: s.mode === 'config' ? toBase64Url(s.config) : '',
    cfgname: s.configName,
    total: s.simple.total === null ? '' : String(s.simple.total),
    active: String(s.simple.active),
    layers: String(s.simple.layers),
    kvheads: String(s.simple.kvHeads),
    headdim: String(s.simple.headDim),
    experts: String(s.simple.experts),
    topk: String(s.simple.topk),
    count_active: s.countActive ? '1' : '0',
    gpu: s.gpu,
    gpus: String(s.gpus),
    weights: s.weights,
    kv: s.kvDtype,
    engine: s.engine,
    layout: s.layoutAuto ? 'auto' : 'manual',
    tp: String(s.tp),
    ep: String(s.ep),
    pp: String(s.pp),
    in: String(s.inputTokens),
    out: String(s.outputTokens),
    load: s.loadMode,
    rate: String(s.rate),
    monthly: String(s.monthlyTokens),
    ttft: String(s.sloTtftSeconds),
    tpot: String(s.sloTpotSeconds),
    ctx: String(s.context),
    conc: String(s.concurrency),
    plangpus: s.planGpus.join(','),
    provider: s.provider,
    pricing: s.pricing,
    traffic: s.traffic,
    peak: String(s.peakRate),
    trough: String(s.troughRate),
    peakhours: String(s.peakHours),
  };
}

export function encodeState(s: PlannerState): string {
  const flat = flatten(s);
  const defaults = flatten(DEFAULTS);
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(flat)) if (v !== defaults[k]) q.set(k, v);
  return q.toString();
}

function num(q: URLSearchParams, key: string, fallback: number): number {
  const v = q.get(key);
  if (v === null || v.trim() === '') return fallback;
  const n = Number(v);
  return Number.isFinite(n) ? n : fallback;
}

function oneOf<T extends string>(v: string | null, allowed: readonly T[], fallback: T): T {
  return v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}

export function decodeState(query: string): PlannerState {
  const q = new URLSearchParams(query);
  const d = DEFAULTS;
  const cfg = q.get('cfg');
  return {
    mode: oneOf(q.get('mode'), ['preset', 'config', 'simple'] as const, d.mode),
    preset: q.get('preset') ?? d.preset,
    config: cfg ? fromBase64Url(cfg) : d.config,
    configName: q.get('cfgname') ?? d.configName,
    simple: {
      total: q.get('total') === '' ? null : num(q, 'total', d.simple.total ?? 0),
      active: num(q, 'active', d.simple.active),
      layers: num(q, 'layers', d.simple.layers),
      kvHeads: num(q, 'kvheads', d.simple.kvHeads),
      headDim: num(q, 'headdim', d.simple.headDim),
      experts: num(q, 'experts', d.simple.experts),
      topk: num(q, 'topk', d.simple.topk),
    },
    countActive: q.get('count_active') !== '0',
    gpu: q.get('gpu') ?? d.gpu,
    gpus: num(q, 'gpus', d.gpus),
    weights: q.get('weights') ?? d.weights,
    kvDtype: q.get('kv') ?? d.kvDtype,
    engine: q.get('engine') ?? d.engine,
    layoutAuto: q.get('layout') !== 'manual',
    tp: num(q, 'tp', d.tp),
    ep: num(q, 'ep', d.ep),
    pp: num(q, 'pp', d.pp),
    inputTokens: num(q, 'in', d.inputTokens),
    outputTokens: num(q, 'out', d.outputTokens),
    loadMode: oneOf(q.get('load'), ['rate', 'monthly'] as const, d.loadMode),
    rate: num(q, 'rate', d.rate),
    monthlyTokens: num(q, 'monthly', d.monthlyTokens),
    sloTtftSeconds: num(q, 'ttft', d.sloTtftSeconds),
    sloTpotSeconds: num(q, 'tpot', d.sloTpotSeconds),
    context: num(q, 'ctx', d.context),
    concurrency: num(q, 'conc', d.concurrency),
    planGpus: (q.get('plangpus') ?? '').split(',').filter((g) => g !== ''),
    provider: q.get('provider') ?? d.provider,
    pricing: q.get('pricing') ?? d.pricing,
    traffic: oneOf(q.get('traffic'), ['flat', 'diurnal'] as const, d.traffic),
    peakRate: num(q, 'peak', d.peakRate),
    troughRate: num(q, 'trough', d.troughRate),
    peakHours: num(q, 'peakhours', d.peakHours),
  };
}

// A pasted config.json travels in the link, base64url-encoded (UTF-8 safe).
function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): string {
  try {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
    return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    return '';
  }
}

/// The model part of every request (docs/api.md, "Model source").
export function modelSource(s: PlannerState): Record<string, unknown> {
  const src: Record<string, unknown> = {};
  if (s.mode === 'preset') src.preset = s.preset;
  else if (s.mode === 'config') {
    src.config = s.config;
    src.config_name = s.configName;
  } else {
    src.simple = {
      ...(s.simple.total === null ? {} : { total_params: s.simple.total }),
      active_params: s.simple.active,
      num_layers: s.simple.layers,
      num_kv_heads: s.simple.kvHeads,
      head_dim: s.simple.headDim,
      num_experts: s.simple.experts,
      experts_per_token: s.simple.topk,
    };
  }
  if (!s.countActive) src.ignore_active = true;
  return src;
}

/// The deployment fields shared by /api/memory, /api/perf, /api/simulate.
export function deploymentFields(s: PlannerState): Record<string, unknown> {
  return {
    model: modelSource(s),
    gpu: s.gpu,
    gpus: s.gpus,
    weights: s.weights,
    kv_dtype: s.kvDtype,
    engine: s.engine,
    ...(s.layoutAuto ? {} : { layout: { tp: s.tp, ep: s.ep, pp: s.pp } }),
  };
}

export function effectiveContext(s: PlannerState): number {
  return s.context > 0 ? s.context : s.inputTokens + s.outputTokens;
}
