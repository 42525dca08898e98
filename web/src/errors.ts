// Input errors, once each, at the field they are about, in the page's words. The API names the JSON
// field at fault (`field`) and its messages name the CLI's flags (`--ep=4 does not divide --tp=2`) or
// the JSON keys (`request: gpus=4 ...`); the page has neither, so both are rewritten to its labels.
import type { ApiError } from './api';
import { byId, h, setChildren } from './dom';

interface PageField {
  input: string; // the control's id
  label: string; // its label on the page
}

// JSON field (docs/api.md) -> the control that sets it.
const FIELDS: Record<string, PageField> = {
  gpu: { input: 'gpu', label: 'GPU' },
  gpus: { input: 'gpus', label: 'GPUs' },
  layout: { input: 'tp', label: 'TP' },
  'layout.tp': { input: 'tp', label: 'TP' },
  'layout.ep': { input: 'ep', label: 'EP' },
  'layout.pp': { input: 'pp', label: 'PP' },
  weights: { input: 'weights', label: 'Weights precision' },
  kv_dtype: { input: 'kv-dtype', label: 'KV-cache dtype' },
  engine: { input: 'engine', label: 'Engine' },
  context: { input: 'context', label: 'Context per sequence' },
  max_model_len: { input: 'context', label: 'Context per sequence' },
  batch: { input: 'concurrency', label: 'Concurrent sequences' },
  max_num_seqs: { input: 'concurrency', label: 'Concurrent sequences' },
  input: { input: 'input-tokens', label: 'Input length' },
  output: { input: 'output-tokens', label: 'Output length' },
  rate: { input: 'rate', label: 'Rate' },
  monthly_tokens: { input: 'monthly-tokens', label: 'Monthly volume' },
  slo_ttft_p95_seconds: { input: 'slo-ttft', label: 'SLO: p95 TTFT' },
  slo_tpot_p95_seconds: { input: 'slo-tpot', label: 'SLO: p95 TPOT' },
  gpus_allowed: { input: 'plan-gpus', label: 'GPU types searched' },
  providers: { input: 'provider-filter', label: 'Provider' },
  traffic_profile: { input: 'traffic-shape', label: 'Traffic over the day' },
  'model.simple.total_params': { input: 'simple-total', label: 'Total parameters' },
  'model.simple.active_params': { input: 'simple-active', label: 'Active parameters' },
  'model.simple.num_layers': { input: 'simple-layers', label: 'Layers' },
  'model.simple.num_kv_heads': { input: 'simple-kv-heads', label: 'KV heads' },
  'model.simple.head_dim': { input: 'simple-head-dim', label: 'Head dim' },
  'model.simple.num_experts': { input: 'simple-experts', label: 'Experts' },
  'model.simple.experts_per_token': { input: 'simple-topk', label: 'Experts per token' },
};

// CLI flag -> the JSON field it corresponds to, for messages the library words for the command line.
const FLAGS: Record<string, string> = {
  tp: 'layout.tp',
  ep: 'layout.ep',
  pp: 'layout.pp',
  gpus: 'gpus',
  gpu: 'gpu',
  weights: 'weights',
  'kv-dtype': 'kv_dtype',
  engine: 'engine',
  'max-model-len': 'max_model_len',
  context: 'context',
  batch: 'batch',
  'max-num-seqs': 'max_num_seqs',
  input: 'input',
  output: 'output',
  rate: 'rate',
  'monthly-tokens': 'monthly_tokens',
  'slo-ttft-p95': 'slo_ttft_p95_seconds',
  'slo-tpot-p95': 'slo_tpot_p95_seconds',
};
const flagField = (flag: string): PageField | undefined => FIELDS[FLAGS[flag] ?? ''];

// A JSON key as the decoder words it: `gpus=4`, `layout.tp*layout.pp=3`, and a JSON path wherever it stands
// (`layout.tp x layout.pp = 3`, the layout rules' words). Plain words ("weights", "engine") in prose are left alone.
const JSON_KEYS = Object.keys(FIELDS).sort((a, b) => b.length - a.length);
const escape = (k: string) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const JSON_KEY_RE = new RegExp(`(?<![\\w.-])(${JSON_KEYS.map(escape).join('|')})(?=[=*])`, 'g');
const JSON_PATHS = JSON_KEYS.filter((k) => k.includes('.'));
const JSON_PATH_RE = new RegExp(`(?<![\\w.-])(${JSON_PATHS.map(escape).join('|')})(?![\\w.])`, 'g');

/// The message in the page's words: no CLI flags, no JSON keys, no "request:" prefix.
export function pageWords(message: string): string {
  return message
    .replace(/^request: /, '')
    .replace(/--([a-z][a-z0-9-]*)/g, (whole, flag: string) => flagField(flag)?.label ?? whole)
    .replace(JSON_KEY_RE, (key: string) => FIELDS[key]?.label ?? key)
    .replace(JSON_PATH_RE, (key: string) => FIELDS[key]?.label ?? key);
}

/// The page control an error is about: its `field`, else the first flag its message names (the
/// library's checks name the flag; the field may be the request's whole object).
export function fieldOf(e: ApiError): PageField | null {
  // `field` is the JSON field, or for some library checks the flag's name (`max-model-len`).
  const direct = FIELDS[e.body.field] ?? flagField(e.body.field);
  if (direct) return direct;
  for (const m of e.message.matchAll(/--([a-z][a-z0-9-]*)/g)) {
    const f = flagField(m[1] ?? '');
    if (f) return f;
  }
  return null;
}

/// Model-source errors (a bad config.json, an unknown preset) belong to the Model step's box.
export function isModelError(e: ApiError): boolean {
  const f = e.body.field;
  return f === 'model' || f === 'preset' || f === 'config' || (f.startsWith('model.') && !FIELDS[f]) || /^[\w.-]+\.json: /.test(e.message);
}

/// Shows each distinct input error once, beneath its control, and clears the others. Returns the
/// labels of the fields in error (for the verdict's one line).
export function showFieldErrors(errors: ApiError[]): string[] {
  for (const el of document.querySelectorAll('.field-error')) el.remove();
  for (const el of document.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
  const shown = new Map<string, Set<string>>();
  for (const e of errors) {
    const f = fieldOf(e);
    if (!f) continue;
    const text = pageWords(e.message);
    const seen = shown.get(f.input) ?? new Set<string>();
    if (seen.has(text)) continue;
    seen.add(text);
    shown.set(f.input, seen);
    const control = document.getElementById(f.input);
    if (!control) continue;
    control.setAttribute('aria-invalid', 'true');
    const where = (control.closest('.field') as HTMLElement | null) ?? control.parentElement;
    where?.append(h('p', { class: 'field-error', role: 'alert', 'data-field': f.input }, text));
  }
  return [...shown.keys()].map((id) => Object.values(FIELDS).find((f) => f.input === id)?.label ?? id);
}

/// The Model step's error box: one message (the first model-source error), or nothing.
export function showModelError(e: ApiError | null): void {
  setChildren(byId('model-error'), e ? h('p', { class: 'error', role: 'alert' }, pageWords(e.message)) : null);
}
