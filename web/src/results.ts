// Step 4: Results (the plan's blocks are in results_plan.ts). Each block renders its route's answer; an input error empties it (the error shows
// once, at the field); a route this server does not have shows as "not available" in its place.
import type { ApiError, MemoryResult, ModelInfo, PerfResult, SimulateResult, Warning } from './api';
import { latencyChart, memoryBar, memorySegments, throughputChart, type LatencyMarks } from './charts';
import { byId, errorBox, field, h, select, setChildren } from './dom';
import { pageWords } from './errors';
import { band, bytes, count, flops, integer, seconds, tokensPerSecond } from './format';
import { TIERS } from './results_cost';
import type { PlannerState } from './state';

const BLOCKS = ['verdict', 'memory', 'throughput', 'latency', 'providers', 'cost', 'fleet', 'tiers', 'fit', 'crossover', 'warnings', 'launch'];

export function resultsStep(s: PlannerState, onChange: () => void): HTMLElement {
  const block = (id: string, title: string, ...extra: HTMLElement[]) =>
    h('div', { class: 'block', id }, h('h3', {}, title), ...extra, h('div', { class: 'body', id: `${id}-body` }));
  const provider = select('provider-filter', [['', 'every provider']], s.provider);
  provider.addEventListener('change', () => {
    s.provider = provider.value;
    onChange();
  });
  const tier = select('pricing-tier', TIERS, s.pricing);
  tier.addEventListener('change', () => {
    s.pricing = tier.value;
    onChange();
  });
  return h(
    'section',
    { class: 'step results', id: 'step-results' },
    h('h2', {}, h('span', { class: 'num' }, '4'), ' Results ', h('span', { id: 'busy', class: 'busy', role: 'status', hidden: true }, h('span', { class: 'spinner' }), ' Recomputing…')),
    h('div', { id: 'verdict', class: 'verdict', 'aria-live': 'polite' }, 'Computing...'),
    block('memory', 'Memory per GPU', h('div', { class: 'chart short' }, h('canvas', { id: 'memory-chart' }))),
    block('throughput', 'Throughput against batch', h('div', { class: 'chart' }, h('canvas', { id: 'throughput-chart' }))),
    block('latency', 'Latency against load', h('div', { class: 'chart' }, h('canvas', { id: 'latency-chart' }))),
    block('providers', 'Cost of this configuration by provider', h('div', { class: 'row' }, field('Price at', provider, '', 'Also the providers the plan prices.'), field('Tier', tier))),
    block('cost', 'Plan: cheapest configurations that meet the targets'),
    block('fleet', 'A day of traffic: static against autoscaled', h('div', { class: 'chart' }, h('canvas', { id: 'fleet-chart' }))),
    block('tiers', 'Traffic tiers: self-host against APIs'),
    block('fit', 'Minimum viable configurations (memory only)'),
    block('crossover', 'Self-host or API'),
    block('warnings', 'Warnings'),
    block('launch', 'Launch commands'),
  );
}

// The generation whose results the page is computing (the newest change).
let pending = 0;

/// Marks every result stale (dimmed, aria-busy) and shows the busy state, for the change `generation`.
export function beginRecompute(generation: number): void {
  pending = Math.max(pending, generation);
  document.body.dataset.state = 'computing';
  byId('busy').hidden = false;
  for (const id of BLOCKS) {
    const el = byId(id);
    el.classList.add('stale');
    el.setAttribute('aria-busy', 'true');
  }
}

/// A block now shows the answer of `generation` (ignored if a newer change is pending).
export function markFresh(id: string, generation: number): void {
  if (generation !== pending) return;
  const el = byId(id);
  el.classList.remove('stale');
  el.setAttribute('aria-busy', 'false');
  el.dataset.generation = String(generation);
}

export function endRecompute(generation: number): void {
  if (generation !== pending) return;
  for (const id of BLOCKS) markFresh(id, generation);
  byId('busy').hidden = true;
  document.body.dataset.state = 'ready';
}

export function unavailable(what: string, e: ApiError): HTMLElement {
  // 404 on an /api route: this server does not offer it (yet).
  if (e.status === 404 && e.body.code === 'not_found' && e.message.includes('no route')) return errorBox(`Not available on this server: ${what}.`);
  // The verdict above already says why it does not fit; the other blocks only say that it does not.
  if (/^the deployment does not fit/.test(e.message)) return h('p', { class: 'muted' }, 'Not computed: the deployment does not fit (see the verdict).');
  return errorBox(pageWords(e.message));
}

function showChart(id: string, visible: boolean): void {
  const canvas = byId<HTMLCanvasElement>(id);
  (canvas.parentElement as HTMLElement).hidden = !visible;
}

/// The verdict when an input is wrong: one line pointing at the field(s), which carry the message.
export function renderInputProblem(where: string): void {
  const verdict = byId('verdict');
  verdict.className = 'verdict unknown';
  setChildren(verdict, h('strong', {}, 'No verdict'), ` until ${where} is fixed (marked in red).`);
}

export function renderModel(m: ModelInfo | null): void {
  const facts = byId('moe-facts');
  if (!m) {
    setChildren(facts);
    return;
  }
  const a = m.architecture;
  const row = (term: string, value: string, id: string) => [h('dt', {}, term), h('dd', { id }, value)];
  setChildren(
    facts,
    ...row('Model', `${m.name} (${m.mode === 'simple' ? 'from the numbers' : m.family})`, 'fact-name'),
    ...row('Total parameters', count(m.params.total), 'fact-total'),
    ...row('Active parameters', `${count(m.params.active)} per token (${count(m.params.active_without_embedding)} without the input embedding)`, 'fact-active'),
    ...row('Experts', a.num_experts > 0 ? `${a.num_experts} routed, ${a.experts_per_token} per token, on ${a.moe_layers} of ${a.num_layers} layers` : 'none (dense)', 'fact-experts'),
    ...row('Compute per token', `${flops(m.flops_per_token.linear_flops)} (linear) + ${flops(m.flops_per_token.attention_flops)} (attention at ${integer(m.flops_per_token.context_tokens)} tokens)`, 'fact-flops'),
    ...row('Weights (native)', `${bytes(m.weights_bytes['native'] ?? 0)} (${m.native_precision || 'BF16'})`, 'fact-weights'),
    ...row('KV cache', `${bytes(m.kv_cache.bytes_per_token)} per token, ${bytes(m.kv_cache.bytes_per_sequence)} per ${integer(m.kv_cache.context_tokens)}-token sequence (BF16)`, 'fact-kv'),
    ...(m.limitations.length ? row('Limitations', m.limitations.join(' '), 'fact-limitations') : []),
  );
}

export function renderMemory(m: MemoryResult | null, error: ApiError | null, inputError: boolean): void {
  const verdict = byId('verdict');
  const body = byId('memory-body');
  showChart('memory-chart', m !== null);
  if (!m) {
    verdict.className = 'verdict unknown';
    setChildren(verdict, inputError ? 'No verdict: an input needs fixing.' : error ? `No verdict: ${pageWords(error.message)}` : 'No verdict');
    setChildren(body, error && !inputError ? unavailable('the memory check', error) : null);
    return;
  }
  const g = m.per_gpu;
  const where = `${m.layout.total_gpus} × ${m.gpu_name}, TP ${m.layout.tp} · EP ${m.layout.ep} · PP ${m.layout.pp}` +
    (m.layout.replicas > 1 ? ` × ${m.layout.replicas} replicas` : '');
  const { demandGiB, capacityGiB } = memorySegments(m);
  verdict.className = m.fits ? 'verdict fits' : 'verdict no-fit';
  setChildren(
    verdict,
    h('strong', { id: 'fit-verdict' }, m.fits ? 'Fits' : 'Does not fit'),
    ` on ${where}. `,
    m.fits
      ? `${bytes(g.free_bytes)} free per GPU; room for ${integer(m.max_concurrent_sequences)} sequence${m.max_concurrent_sequences === 1 ? '' : 's'} of ${integer(m.context_tokens)} tokens.`
      : m.reason,
  );
  const layoutNote = byId('layout-chosen');
  if (m.layout.auto) {
    byId<HTMLInputElement>('tp').value = String(m.layout.tp);
    byId<HTMLInputElement>('ep').value = String(m.layout.ep);
    byId<HTMLInputElement>('pp').value = String(m.layout.pp);
  }
  layoutNote.textContent = `${m.layout.auto ? 'Auto layout' : 'Layout'}: TP ${m.layout.tp} × PP ${m.layout.pp} = ${m.layout.gpus_per_replica} GPUs per replica, EP ${m.layout.ep}, ${m.layout.replicas} replica(s).`;
  memoryBar(byId<HTMLCanvasElement>('memory-chart'), m);
  const tr = (k: string, v: string, id?: string) => h('tr', { id }, h('th', { scope: 'row' }, k), h('td', {}, v));
  const shortBy = demandGiB - capacityGiB;
  setChildren(
    body,
    h(
      'table',
      { class: 'numbers', id: 'memory-table' },
      h(
        'tbody',
        {},
        tr('Weights', bytes(g.weights_bytes)),
        tr('KV-cache pool', bytes(g.kv_cache_bytes)),
        tr(`KV for ${integer(m.batch)} × ${integer(m.context_tokens)} tokens`, `${bytes(g.kv_cache_needed_bytes)} (${bytes(g.kv_bytes_per_sequence)} per sequence)`),
        tr('Activations', bytes(g.activation_bytes)),
        tr('Runtime + CUDA graphs', bytes(g.overhead_bytes)),
        tr('Demand (weights + activations + runtime + KV)', `${demandGiB.toFixed(1)} GiB`, 'memory-demand'),
        tr('Capacity (usable × memory fraction)', `${bytes(g.capacity_bytes)} of ${bytes(m.gpu_memory_usable_bytes)} usable`),
        shortBy > 0 ? tr('Short by', `${shortBy.toFixed(1)} GiB (demand over capacity)`, 'memory-short') : tr('Free', bytes(Math.max(0, g.free_bytes)), 'memory-free'),
        tr('KV tokens the pool holds', `${integer(m.kv_tokens)} tokens`),
        tr(`Sequences at ${integer(m.context_tokens)} tokens`, integer(m.max_concurrent_sequences)),
        tr(`Longest context at ${integer(m.batch)} sequence${m.batch === 1 ? '' : 's'}`, `${integer(m.max_context_at_batch_tokens)} tokens`),
      ),
    ),
  );
}

export function renderPerf(p: PerfResult | null, error: ApiError | null, inputError: boolean): void {
  const body = byId('throughput-body');
  const curve = p?.curve ?? [];
  showChart('throughput-chart', curve.length > 0);
  if (!p) {
    setChildren(body, error && !inputError ? unavailable('the performance model', error) : null);
    return;
  }
  if (curve.length) throughputChart(byId<HTMLCanvasElement>('throughput-chart'), curve);
  const dense = p.dense_comparison;
  setChildren(
    body,
    h('p', { class: 'legend' }, h('span', { class: 'dot mem' }), ' memory-bound ', h('span', { class: 'dot comp' }), ' compute-bound ', h('span', { class: 'dot comm' }), ' communication-bound ', h('span', { class: 'dot over' }), ' overhead-bound'),
    h(
      'p',
      { id: 'perf-summary' },
      `Decode at your concurrency: ${tokensPerSecond(p.decode.tokens_per_second)}, TPOT ${seconds(p.decode.tpot_seconds)}`,
      p.decode.tpot_error_band ? h('span', { class: 'band', id: 'tpot-band' }, ` (${band(p.decode.tpot_error_band, p.decode.tpot_seconds)})`) : null,
      `, ${p.bound}-bound. `,
      `TTFT on an idle deployment: ${seconds(p.prefill.ttft_seconds)}`,
      p.prefill.ttft_error_band ? h('span', { class: 'band', id: 'ttft-band' }, ` (${band(p.prefill.ttft_error_band, p.prefill.ttft_seconds)})`) : null,
      `. Max load (all requests queued): ${tokensPerSecond(p.max_load.output_tokens_per_second)}.`,
    ),
    p.decode.tpot_error_band || p.prefill.ttft_error_band
      ? h('p', { class: 'hint' }, 'Bands: measured ÷ predicted for the middle 80% of the published serving runs of this engine, dense or MoE, and GPU family, each predicted out of sample (docs/validation.md).')
      : null,
    dense
      ? h(
          'p',
          { id: 'dense-comparison' },
          `Dense sizing would predict ${tokensPerSecond(dense.dense_total_tokens_per_second)} (a dense model of the total size) `,
          `or ${tokensPerSecond(dense.dense_active_tokens_per_second)} (one of the active size); the MoE-aware model predicts ${tokensPerSecond(dense.moe_tokens_per_second)}.`,
        )
      : null,
  );
}

export function renderSimulate(r: SimulateResult | null, error: ApiError | null, inputError: boolean, marks: LatencyMarks & { requests: number }): void {
  const body = byId('latency-body');
  showChart('latency-chart', (r?.points.length ?? 0) > 0);
  if (!r) {
    setChildren(body, error && !inputError ? unavailable('the simulator', error) : null);
    return;
  }
  if (r.points.length) latencyChart(byId<HTMLCanvasElement>('latency-chart'), r.points, marks);
  setChildren(
    body,
    h(
      'p',
      { id: 'sweep-summary' },
      r.found
        ? `Sustains ${r.max_rate_per_second.toFixed(2)} requests/s within your p95 targets (simulated). `
        : 'Misses a p95 target even at the lowest rate tried. ',
      `Your rate: ${marks.rate.toPrecision(3)} requests/s. `,
      marks.requests < 1000 ? `Long requests: ${integer(marks.requests)} simulated requests per rate (the server's bound on simulated work), so the tails are rougher.` : '',
    ),
    r.error_bands
      ? h(
          'p',
          { id: 'sweep-bands', class: 'hint' },
          `Measured against predicted, for deployments like this one: TTFT ${band(r.error_bands.ttft_seconds)}; TPOT ${band(r.error_bands.tpot_seconds)}.`,
        )
      : null,
  );
}

export function renderWarnings(lists: Array<Warning[] | undefined>): void {
  const all = lists.flatMap((l) => l ?? []);
  const seen = new Set<string>();
  const unique = all.filter((w) => !seen.has(w.message) && seen.add(w.message));
  setChildren(
    byId('warnings-body'),
    unique.length
      ? h('ul', { id: 'warning-list' }, ...unique.map((w) => h('li', { 'data-code': w.code }, w.message)))
      : h('p', { class: 'muted' }, 'None.'),
  );
}
