// Step 4: Results. Each block renders its route's answer, or the route's error text in its place
// (a route this server does not have yet shows as "not available" rather than breaking the page).
import type { ApiError, Latency, MemoryResult, ModelInfo, PerfResult, PlanResult, SimulateResult, Warning } from './api';
import { latencyChart, memoryBar, throughputChart } from './charts';
import { byId, errorBox, h, setChildren } from './dom';
import { bytes, count, dollars, flops, integer, seconds, tokensPerSecond } from './format';

export function resultsStep(): HTMLElement {
  const block = (id: string, title: string, ...extra: HTMLElement[]) =>
    h('div', { class: 'block', id }, h('h3', {}, title), ...extra, h('div', { class: 'body', id: `${id}-body` }));
  return h(
    'section',
    { class: 'step results', id: 'step-results' },
    h('h2', {}, h('span', { class: 'num' }, '4'), ' Results'),
    h('div', { id: 'verdict', class: 'verdict', 'aria-live': 'polite' }, 'Computing...'),
    block('memory', 'Memory per GPU', h('div', { class: 'chart short' }, h('canvas', { id: 'memory-chart' }))),
    block('throughput', 'Throughput against batch', h('div', { class: 'chart' }, h('canvas', { id: 'throughput-chart' }))),
    block('latency', 'Latency against load', h('div', { class: 'chart' }, h('canvas', { id: 'latency-chart' }))),
    block('cost', 'Cost per provider'),
    block('crossover', 'Self-host or API'),
    block('warnings', 'Warnings'),
    block('launch', 'Launch command'),
  );
}

function unavailable(what: string, e: ApiError): HTMLElement {
  // 404 on an /api route: this server does not offer it (yet); anything else is an input error.
  const prefix = e.status === 404 && e.body.code === 'not_found' && e.message.includes('no route') ? `${what} is not available on this server: ` : '';
  return errorBox(prefix + e.message);
}

function showChart(id: string, visible: boolean): void {
  const canvas = byId<HTMLCanvasElement>(id);
  (canvas.parentElement as HTMLElement).hidden = !visible;
}

export function renderModel(m: ModelInfo | null, error: ApiError | null): void {
  setChildren(byId('model-error'), error ? errorBox(error.message) : null);
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

export function renderMemory(m: MemoryResult | null, error: ApiError | null): void {
  const verdict = byId('verdict');
  const body = byId('memory-body');
  showChart('memory-chart', m !== null);
  if (!m) {
    verdict.className = 'verdict unknown';
    setChildren(verdict, error ? `No verdict: ${error.message}` : 'No verdict');
    setChildren(body, error ? unavailable('The memory check', error) : null);
    return;
  }
  const g = m.per_gpu;
  const where = `${m.layout.total_gpus} × ${m.gpu.name}, TP ${m.layout.tp} · EP ${m.layout.ep} · PP ${m.layout.pp}` +
    (m.layout.replicas > 1 ? ` × ${m.layout.replicas} replicas` : '');
  verdict.className = m.fits ? 'verdict fits' : 'verdict no-fit';
  setChildren(
    verdict,
    h('strong', { id: 'fit-verdict' }, m.fits ? 'Fits' : 'Does not fit'),
    ` on ${where}. `,
    m.fits
      ? `${bytes(g.free_bytes)} free per GPU; room for ${integer(m.max_concurrent_sequences)} sequences of ${integer(m.context)} tokens.`
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
  const tr = (k: string, v: string) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v));
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
        tr(`KV for ${integer(m.batch)} × ${integer(m.context)} tokens`, `${bytes(g.kv_cache_needed_bytes)} (${bytes(g.kv_bytes_per_sequence)} per sequence)`),
        tr('Activations', bytes(g.activation_bytes)),
        tr('Runtime + CUDA graphs', bytes(g.overhead_bytes)),
        tr('Capacity (usable × memory fraction)', `${bytes(g.capacity_bytes)} of ${bytes(m.gpu.memory_usable_bytes)} usable`),
        tr(g.free_bytes >= 0 ? 'Free' : 'Short by', bytes(Math.abs(g.free_bytes))),
        tr('KV tokens the pool holds', `${integer(m.kv_tokens)} tokens`),
        tr(`Sequences at ${integer(m.context)} tokens`, integer(m.max_concurrent_sequences)),
        tr(`Longest context at ${integer(m.batch)} sequences`, `${integer(m.max_context_at_batch)} tokens`),
      ),
    ),
  );
}

export function renderPerf(p: PerfResult | null, error: ApiError | null): void {
  const body = byId('throughput-body');
  const curve = p?.curve ?? [];
  showChart('throughput-chart', curve.length > 0);
  if (!p) {
    setChildren(body, error ? unavailable('The performance model (/api/perf)', error) : null);
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
      `Decode at your concurrency: ${tokensPerSecond(p.decode.tokens_per_second)}, TPOT ${seconds(p.decode.tpot_seconds)}, ${p.bound}-bound. `,
      `TTFT on an idle deployment: ${seconds(p.prefill.ttft_seconds)}. Max load (all requests queued): ${tokensPerSecond(p.max_load.output_tokens_per_second)}.`,
    ),
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

export function renderSimulate(r: SimulateResult | null, error: ApiError | null): void {
  const body = byId('latency-body');
  showChart('latency-chart', (r?.points.length ?? 0) > 0);
  if (!r) {
    setChildren(body, error ? unavailable('The simulator (/api/simulate)', error) : null);
    return;
  }
  latencyChart(byId<HTMLCanvasElement>('latency-chart'), r.points);
  setChildren(
    body,
    h(
      'p',
      { id: 'sweep-summary' },
      r.found
        ? `Sustains ${r.max_rate_per_second.toFixed(2)} requests/s within your p95 targets (simulated).`
        : 'Misses a p95 target even at the lowest rate tried.',
    ),
  );
}

export function renderPlan(p: PlanResult | null, error: ApiError | null, gpu: string): void {
  const cost = byId('cost-body');
  const crossover = byId('crossover-body');
  const launch = byId('launch-body');
  if (!p || !p.feasible) {
    const e = p && !p.feasible
      ? h('div', { class: 'error', role: 'alert' }, `No deployment meets the targets: ${p.reason}`, h('ul', {}, ...p.suggestions.map((x) => h('li', {}, x))))
      : error ? unavailable('The cost model and plan (/api/plan)', error) : null;
    setChildren(cost, e);
    setChildren(crossover, e ? e.cloneNode(true) : null);
    setChildren(launch, e ? e.cloneNode(true) : null);
    return;
  }
  const rec = p.recommended;
  const rows = p.candidates
    .filter((c) => c.gpu === gpu)
    .concat(p.candidates.filter((c) => c.gpu !== gpu))
    .slice(0, 12)
    .map((c) =>
      h(
        'tr',
        { class: c.gpu === gpu ? 'chosen-gpu' : undefined },
        h('td', {}, c.provider),
        h('td', {}, `${c.gpu_count} × ${c.gpu_name}`),
        h('td', {}, `${c.weights_dtype}, TP ${c.layout.tp} · EP ${c.layout.ep} · PP ${c.layout.pp}` + (c.layout.replicas > 1 ? ` × ${c.layout.replicas}` : '')),
        h('td', { class: 'n' }, dollars(c.cost.usd_per_hour)),
        h('td', { class: 'n' }, dollars(c.cost.usd_per_month)),
        h('td', { class: 'n' }, dollars(c.cost.usd_per_million_output_tokens)),
        h('td', {}, c.price_as_of),
      ),
    );
  setChildren(
    cost,
    h(
      'p',
      { id: 'recommended' },
      h('strong', {}, 'Cheapest that meets the targets: '),
      `${rec.gpu_count} × ${rec.gpu_name} (${rec.weights_dtype}) at ${rec.provider}, ${dollars(rec.cost.usd_per_hour)}/hour = ${dollars(rec.cost.usd_per_month)}/month 24/7, `,
      `${dollars(rec.cost.usd_per_million_output_tokens)} per million output tokens; ${latencyText(rec.latency)} (prices as of ${rec.price_as_of}).`,
    ),
    h(
      'table',
      { class: 'numbers wide', id: 'cost-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Provider'), h('th', {}, 'GPUs'), h('th', {}, 'Precision, layout'), h('th', {}, '$/hour'), h('th', {}, '$/month (24/7)'), h('th', {}, '$ per M output tokens'), h('th', {}, 'Price as of'))),
      h('tbody', {}, ...rows),
    ),
  );
  const apiRows = p.api_comparison.map((a) =>
    h(
      'tr',
      {},
      h('td', {}, a.provider),
      h('td', {}, a.model),
      h('td', { class: 'n' }, dollars(a.usd_per_month)),
      h('td', { class: 'n' }, a.crossover_tokens_per_month === null ? 'never' : `${count(a.crossover_tokens_per_month)} tokens/month`),
      h('td', {}, a.price_as_of + (a.staleness && a.staleness !== 'fresh' ? ` (${a.staleness})` : '')),
    ),
  );
  setChildren(
    crossover,
    p.api_match && !p.api_match.exact && p.api_match.equivalent ? h('p', { class: 'hint' }, `Priced as ${p.api_match.equivalent}: ${p.api_match.why}`) : null,
    h(
      'table',
      { class: 'numbers wide', id: 'api-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'API'), h('th', {}, 'Model'), h('th', {}, '$/month at your volume'), h('th', {}, 'Self-hosting cheaper above'), h('th', {}, 'Price as of'))),
      h('tbody', {}, ...apiRows),
    ),
  );
  const cmds = rec.launch;
  setChildren(
    launch,
    cmds ? commandBox('vLLM', cmds.vllm, 'launch-vllm') : errorBox('The plan returned no launch command.'),
    cmds ? commandBox('SGLang', cmds.sglang, 'launch-sglang') : null,
  );
}

function latencyText(l: Latency): string {
  const ttft = l.ttft_seconds ?? l.ttft;
  const tpot = l.tpot_seconds ?? l.tpot;
  if (!ttft || !tpot) return 'latency not reported';
  return `p95 TTFT ${seconds(ttft.p95)}, p95 TPOT ${seconds(tpot.p95)}${l.simulated ? ' (simulated)' : ''}`;
}

function commandBox(title: string, command: string, id: string): HTMLElement {
  const copy = h('button', { type: 'button', class: 'copy', 'aria-label': `Copy the ${title} command` }, 'Copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(command);
      copy.textContent = 'Copied';
    } catch {
      copy.textContent = 'Select and copy';
    }
    window.setTimeout(() => (copy.textContent = 'Copy'), 1500);
  });
  return h('div', { class: 'command' }, h('div', { class: 'command-head' }, h('strong', {}, title), copy), h('pre', { id }, command));
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
