// The plan's result blocks: the cheapest configurations (per GPU type and all), the provider filter,
// traffic tiers, the minimum viable configurations, self-host against API, and the launch commands.
import type { ApiError, FitResult, LaunchCommand, LaunchCommands, Latency, MemoryResult, PlanCandidate, PlanLayout, PlanResult, TrafficTier } from './api';
import { byId, h, setChildren } from './dom';
import { pageWords } from './errors';
import { count, dollars, integer, seconds } from './format';
import { unavailable } from './results';
import { renderFleet } from './results_fleet';
import type { PlannerState } from './state';

function poolText(l: PlanLayout): string {
  const attention = (l.dp_attention ?? 1) > 1 ? `DP-attention ${l.dp_attention}` : `TP ${l.tp}`;
  return `${attention} · EP ${l.ep} · PP ${l.pp}`;
}

// The layout column: an attention-DP replica names its ranks, a disaggregated candidate both pools (prefill and
// decode workers, each its own layout), an MTP candidate its drafted tokens.
function layoutText(c: PlanCandidate): string {
  const mtp = c.speculative ? ` + MTP${c.speculative.tokens}` : '';
  if (c.disagg)
    return (
      `${c.weights_dtype}, disaggregated: ${c.disagg.prefill.workers} prefill × (${poolText(c.disagg.prefill.layout)})` +
      ` + ${c.disagg.decode.workers} decode × (${poolText(c.disagg.decode.layout)})${mtp}`
    );
  return `${c.weights_dtype}, ${poolText(c.layout)}` + (c.layout.replicas > 1 ? ` × ${c.layout.replicas}` : '') + mtp;
}

function candidateRow(c: PlanCandidate, chosenGpu: string): HTMLElement {
  return h(
    'tr',
    { class: c.gpu === chosenGpu ? 'chosen-gpu' : undefined },
    h('td', {}, c.provider),
    h('td', {}, `${c.gpu_count} × ${c.gpu_name}`),
    h('td', {}, layoutText(c)),
    h('td', { class: 'n' }, dollars(c.cost.usd_per_hour)),
    h('td', { class: 'n' }, dollars(c.cost.usd_per_month)),
    h('td', { class: 'n' }, dollars(c.cost.usd_per_million_output_tokens)),
    h('td', {}, c.price_as_of),
  );
}

const COST_HEAD = ['Provider', 'GPUs', 'Precision, layout', '$/hour', '$/month (24/7)', '$ per M output tokens', 'Price as of'];
const head = (cols: string[]) => h('thead', {}, h('tr', {}, ...cols.map((c) => h('th', {}, c))));

export function renderPlan(p: PlanResult | null, error: ApiError | null, inputError: boolean, s: PlannerState): void {
  const cost = byId('cost-body');
  const crossover = byId('crossover-body');
  const tiers = byId('tiers-body');
  if (!p || !p.feasible) {
    const e = p && !p.feasible
      ? h('div', { class: 'error', role: 'alert', id: 'plan-infeasible' }, `No deployment meets the targets: ${pageWords(p.reason)}`, h('ul', {}, ...p.suggestions.map((x) => h('li', {}, pageWords(x)))))
      : error && !inputError ? unavailable('the plan', error) : null;
    setChildren(cost, e);
    const pointer = e ? h('p', { class: 'muted' }, 'No plan to compare (see the plan above).') : null;
    setChildren(crossover, pointer);
    setChildren(tiers, pointer ? pointer.cloneNode(true) : null);
    renderFleet(undefined, false);
    return;
  }
  const rec = p.recommended;
  // The cheapest candidate of each GPU type the search allowed: the answer to "which GPU?".
  const bestPerGpu = new Map<string, PlanCandidate>();
  for (const c of p.candidates) if (!bestPerGpu.has(c.gpu)) bestPerGpu.set(c.gpu, c);
  const scope = s.planGpus.length ? `${s.planGpus.length} GPU type${s.planGpus.length === 1 ? '' : 's'}` : 'every GPU type';
  setChildren(
    cost,
    h(
      'p',
      { id: 'recommended' },
      h('strong', {}, 'Cheapest that meets the targets: '),
      `${rec.gpu_count} × ${rec.gpu_name} (${rec.weights_dtype}) at ${rec.provider}, ${dollars(rec.cost.usd_per_hour)}/hour = ${dollars(rec.cost.usd_per_month)}/month 24/7, `,
      `${dollars(rec.cost.usd_per_million_output_tokens)} per million output tokens; ${latencyText(rec.latency)} (prices as of ${rec.price_as_of}).`,
    ),
    h('p', { class: 'hint', id: 'plan-scope' }, `Searched ${scope}${s.provider ? ` priced at ${s.provider}` : ' at every provider'}; ${p.candidates.length} configuration${p.candidates.length === 1 ? '' : 's'} meet the targets.`),
    h('h4', {}, 'Best per GPU type'),
    h('table', { class: 'numbers wide', id: 'gpu-type-table' }, head(COST_HEAD), h('tbody', {}, ...[...bestPerGpu.values()].map((c) => candidateRow(c, s.gpu)))),
  );
  renderTiers(p.traffic_tiers, p.workload?.tokens_per_month);
  renderFleet(p.fleet, true);
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
    h('table', { class: 'numbers wide', id: 'api-table' }, head(['API', 'Model', '$/month at your volume', 'Self-hosting cheaper above', 'Price as of']), h('tbody', {}, ...apiRows)),
  );
}

function renderTiers(tiers: TrafficTier[] | undefined, volume: number | undefined): void {
  const body = byId('tiers-body');
  if (!tiers || tiers.length === 0) {
    setChildren(body, h('p', { class: 'muted' }, 'The server gave no traffic tiers for this plan.'));
    return;
  }
  const apis = tiers[0]?.apis.map((a) => a.provider) ?? [];
  setChildren(
    body,
    h(
      'table',
      { class: 'numbers wide', id: 'tiers-table' },
      head(['Tokens/month', 'Self-host replicas', 'Self-host $/month', ...apis.map((a) => `${a} $/month`), 'Cheapest']),
      h(
        'tbody',
        {},
        ...tiers.map((t) =>
          h(
            'tr',
            {},
            h('td', { class: 'n' }, count(t.tokens_per_month), volume !== undefined && Math.abs(t.tokens_per_month - volume) <= 1e-6 * volume ? h('span', { class: 'hint your-volume' }, ' (your volume)') : null),
            h('td', { class: 'n' }, integer(t.self_host_replicas)),
            h('td', { class: 'n' }, dollars(t.self_host_usd_per_month)),
            ...apis.map((name) => {
              const a = t.apis.find((x) => x.provider === name);
              return h('td', { class: 'n' }, a ? dollars(a.usd_per_month) : '—');
            }),
            h('td', {}, t.cheapest),
          ),
        ),
      ),
    ),
  );
}

export function renderFit(f: FitResult | null, error: ApiError | null, inputError: boolean): void {
  const body = byId('fit-body');
  if (!f) {
    setChildren(body, error && !inputError ? unavailable('the minimum viable configurations (POST /api/fit)', error) : null);
    return;
  }
  const priced = f.configurations.some((c) => typeof c.usd_per_month === 'number');
  setChildren(
    body,
    f.configurations.length === 0
      ? h('p', { class: 'muted' }, 'Nothing fits within the GPU counts tried, on any GPU type.')
      : h(
          'table',
          { class: 'numbers wide', id: 'fit-table' },
          head(['GPU', 'GPUs', 'Weights', 'Layout', 'Sequences the KV holds', '$/month (24/7), cheapest rental', 'Price as of']),
          h(
            'tbody',
            {},
            ...f.configurations.map((c) =>
              h(
                'tr',
                {},
                h('td', {}, c.gpu),
                h('td', { class: 'n' }, integer(c.gpus)),
                h('td', {}, c.weights),
                h('td', {}, `TP ${c.layout.tp} · EP ${c.layout.ep} · PP ${c.layout.pp}`),
                h('td', { class: 'n' }, c.max_concurrent_sequences === undefined ? '—' : integer(c.max_concurrent_sequences)),
                h('td', { class: 'n' }, typeof c.usd_per_month === 'number' ? `${dollars(c.usd_per_month)}${c.provider ? ` (${c.provider})` : ''}` : 'no provider prices it'),
                h('td', {}, c.price_as_of ?? '—'),
              ),
            ),
          ),
        ),
    priced
      ? h('p', { class: 'hint' }, 'Each at the cheapest provider renting that many GPUs (whole instances billed), 730 hours a month.')
      : h('p', { class: 'hint' }, 'No provider in the price catalog rents these GPUs.'),
  );
}

function latencyText(l: Latency): string {
  const ttft = l.ttft_seconds ?? l.ttft;
  const tpot = l.tpot_seconds ?? l.tpot;
  if (!ttft || !tpot) return 'latency not reported';
  return `p95 TTFT ${seconds(ttft.p95)}, p95 TPOT ${seconds(tpot.p95)}${l.simulated ? ' (simulated)' : ''}`;
}

function copyButton(title: string, text: string): HTMLElement {
  const copy = h('button', { type: 'button', class: 'copy', 'aria-label': `Copy the ${title}` }, 'Copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      copy.textContent = 'Copied';
    } catch {
      copy.textContent = 'Select and copy';
    }
    window.setTimeout(() => (copy.textContent = 'Copy'), 1500);
  });
  return copy;
}

function commandBox(title: string, c: LaunchCommand, id: string): HTMLElement {
  return h(
    'div',
    { class: 'command', 'data-engine': c.engine },
    h('div', { class: 'command-head' }, h('strong', {}, title), copyButton(`${title} command`, c.command)),
    h('pre', { id }, c.command),
    c.options_file
      ? h('div', {}, h('div', { class: 'command-head' }, h('span', { class: 'hint' }, 'Options file (--extra_llm_api_options)'), copyButton(`${title} options file`, c.options_file)), h('pre', { id: `${id}-options` }, c.options_file))
      : null,
    c.checkpoint ? h('p', { class: 'hint' }, `Checkpoint: ${c.checkpoint}`) : null,
    c.notes?.length ? h('ul', { class: 'notes' }, ...c.notes.map((n) => h('li', {}, n))) : null,
  );
}

const ENGINES: Array<['vllm' | 'sglang' | 'trtllm', string]> = [
  ['vllm', 'vLLM'],
  ['sglang', 'SGLang'],
  ['trtllm', 'TensorRT-LLM'],
];
const engineTitle = (e: string) => ENGINES.find(([k]) => k === e)?.[1] ?? e;

// The structured `commands` when the server gives them (with options file and notes), else the strings.
function commands(cmds: LaunchCommands, prefix: string): HTMLElement[] {
  if (cmds.commands?.length) return cmds.commands.map((c) => commandBox(engineTitle(c.engine), c, `${prefix}-${c.engine}`));
  return ENGINES.flatMap(([k, name]) => {
    const line = cmds[k];
    return line ? [commandBox(name, { engine: k, command: line }, `${prefix}-${k}`)] : [];
  });
}

/// Two labelled sets: the configuration on screen (steps 1-3) and the plan's recommendation; they are
/// different deployments, so neither is shown under the other's name.
export function renderLaunch(m: MemoryResult | null, p: PlanResult | null): void {
  const onScreen = m
    ? h(
        'div',
        { id: 'launch-on-screen' },
        h('h4', {}, `For the configuration on screen: ${m.layout.total_gpus} × ${m.gpu_name}, TP ${m.layout.tp} · EP ${m.layout.ep} · PP ${m.layout.pp}`),
        ...(m.launch && Object.keys(m.launch).length ? commands(m.launch, 'launch-screen') : [h('p', { class: 'muted' }, 'The server gives no launch command for this configuration yet.')]),
      )
    : null;
  const rec = p?.feasible ? p.recommended : null;
  const forPlan = rec
    ? h(
        'div',
        { id: 'launch-plan' },
        h('h4', {}, `For the plan's recommendation: ${rec.gpu_count} × ${rec.gpu_name}, ${layoutText(rec)}`),
        ...(rec.launch ? commands(rec.launch, 'launch') : [h('p', { class: 'muted' }, 'The plan returned no launch command.')]),
      )
    : null;
  setChildren(byId('launch-body'), onScreen, forPlan, !onScreen && !forPlan ? h('p', { class: 'muted' }, 'No deployment to launch.') : null);
}
