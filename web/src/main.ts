// The planner page: four steps, state in the URL, results recomputed (debounced) as inputs change.
import './style.css';

import { api, ApiError, type ApiResult, type Health } from './api';
import { chartSummary } from './charts';
import { debounce, errorBox, h, setChildren } from './dom';
import { fieldOf, isModelError, showFieldErrors, showModelError } from './errors';
import { hardwareStep, modelStep, planSearchStep, workloadStep } from './inputs';
import { beginRecompute, endRecompute, markFresh, renderInputProblem, renderMemory, renderModel, renderPerf, renderSimulate, renderWarnings, resultsStep } from './results';
import { fillProviderFilter, renderCost } from './results_cost';
import { renderFit, renderLaunch, renderPlan } from './results_plan';
import { sweepRequests } from './simsize';
import { decodeState, deploymentFields, effectiveContext, encodeState, modelSource, type PlannerState } from './state';

const DEBOUNCE_MS = 250;

// Monthly tokens (input + output) as requests/s, over the cost model's 730-hour month.
const SECONDS_PER_MONTH = 730 * 3600;
function flatRate(s: PlannerState): number {
  return s.loadMode === 'rate' ? s.rate : s.monthlyTokens / SECONDS_PER_MONTH / (s.inputTokens + s.outputTokens);
}
/// The rate the single-deployment results (latency, cost table) are for: the flat rate, or a diurnal day's peak.
function requestRate(s: PlannerState): number {
  return s.traffic === 'diurnal' ? s.peakRate : flatRate(s);
}
/// The plan's day of traffic (POST /api/plan traffic_profile): the CLI's diurnal form, or the flat rate each hour.
function trafficProfile(s: PlannerState): string | number[] {
  if (s.traffic === 'diurnal') return `diurnal:peak=${s.peakRate},trough=${s.troughRate},peak-hours=${s.peakHours}`;
  return Array<number>(24).fill(flatRate(s));
}

function guarded(blockId: string, render: () => void): void {
  try {
    render();
  } catch (e) {
    const el = document.getElementById(blockId);
    if (el) setChildren(el, errorBox(`Could not show this result: ${e instanceof Error ? e.message : String(e)}`));
  }
}

function split<T>(r: ApiResult<T>): [T | null, ApiError | null] {
  return r.ok ? [r.value, null] : [null, r.error];
}

// An error about one input (or the model) is shown once, at that input; the result blocks it empties
// say nothing more. Other errors (a deployment that does not fit, a missing route) stay in their block.
function inputError(e: ApiError | null): boolean {
  return e !== null && e.status >= 400 && e.status < 500 && (isModelError(e) || fieldOf(e) !== null);
}

/// Each block renders as soon as its own answer arrives and is marked fresh; until then it stays marked
/// stale (dimmed, aria-busy), so old and new results are never shown as if they belonged together.
async function recompute(s: PlannerState, signal: AbortSignal, generation: number, health: Health | null): Promise<void> {
  beginRecompute(generation);
  if (s.mode === 'config' && s.config.trim() === '') {
    showFieldErrors([]);
    setChildren(document.getElementById('model-error') as HTMLElement, errorBox('Paste a config.json or pick the file, then press "Use this config.json".'));
    renderInputProblem('the model (step 1)');
    endRecompute(generation);
    return;
  }
  const context = effectiveContext(s);
  const deployment = { ...deploymentFields(s), max_model_len: context };
  const workload = { input: s.inputTokens, output: s.outputTokens, traffic_profile: trafficProfile(s) };
  const slos = { slo_ttft_p95_seconds: s.sloTtftSeconds, slo_tpot_p95_seconds: s.sloTpotSeconds };
  const rate = requestRate(s);
  const live = <T>(p: Promise<T>, render: (r: T) => void, ...blocks: string[]) =>
    p.then((r) => {
      if (!signal.aborted) {
        render(r);
        for (const b of blocks) markFresh(b, generation);
      }
      return r;
    });
  const simulate = async () => {
    const requests = sweepRequests(s.inputTokens + s.outputTokens, health);
    const body = { ...deployment, input: s.inputTokens, output: s.outputTokens, rate, sweep: true, ...slos, seed: 1 };
    let r = await api.simulate({ ...body, requests }, signal);
    // A server with a lower bound than the page knows says so (413): one retry at a quarter of the requests.
    if (!r.ok && r.error.body.code === 'resource_limit' && requests >= 40) r = await api.simulate({ ...body, requests: Math.floor(requests / 4) }, signal);
    return { r, requests: r.ok ? requests : 0 };
  };
  // The provider table's volume for its API lines: the workload's monthly tokens (input + output).
  // (A diurnal day leaves it to the server: the deployment's 24/7 capacity.)
  const monthlyTokens = s.traffic === 'diurnal' ? undefined : s.loadMode === 'monthly' ? s.monthlyTokens : rate * (s.inputTokens + s.outputTokens) * SECONDS_PER_MONTH;
  const costBody = {
    ...deployment,
    input: s.inputTokens,
    output: s.outputTokens,
    ...slos,
    pricing: s.pricing,
    ...(monthlyTokens === undefined ? {} : { monthly_tokens: monthlyTokens }),
    ...(s.provider ? { providers: [s.provider] } : {}),
  };
  const [model, memory, perf, sim, plan, fit, cost] = await Promise.all([
    live(api.model({ ...modelSource(s), context }, signal), (r) => guarded('model-error', () => renderModel(r.ok ? r.value : null))),
    // The workload's context bounds the engine (--max-model-len), as the launch command will.
    live(api.memory({ ...deployment, context, batch: s.concurrency }, signal), (r) => guarded('memory-body', () => renderMemory(...split(r), inputError(r.ok ? null : r.error))), 'verdict', 'memory'),
    live(api.perf({ ...deployment, input: s.inputTokens, output: s.outputTokens, batch: s.concurrency }, signal), (r) => guarded('throughput-body', () => renderPerf(...split(r), inputError(r.ok ? null : r.error))), 'throughput'),
    live(simulate(), ({ r, requests }) => guarded('latency-body', () => renderSimulate(...split(r), inputError(r.ok ? null : r.error), { rate, sloTtftSeconds: s.sloTtftSeconds, sloTpotSeconds: s.sloTpotSeconds, requests })), 'latency'),
    // The plan across the GPU types the filter allows (all by default), priced at the chosen provider.
    live(
      api.plan({ model: modelSource(s), ...workload, ...slos, engine: s.engine, ...(s.planGpus.length ? { gpus_allowed: s.planGpus } : {}), ...(s.provider ? { providers: [s.provider] } : {}) }, signal),
      (r) => guarded('cost-body', () => renderPlan(...split(r), inputError(r.ok ? null : r.error), s)),
      'cost', 'fleet', 'tiers', 'crossover',
    ),
    live(api.fit({ model: modelSource(s), context, batch: s.concurrency, engine: s.engine, kv_dtype: s.kvDtype }, signal), (r) => guarded('fit-body', () => renderFit(...split(r), inputError(r.ok ? null : r.error))), 'fit'),
    live(api.cost(costBody, signal), (r) => guarded('providers-body', () => renderCost(...split(r), inputError(r.ok ? null : r.error), s)), 'providers'),
  ]);
  if (signal.aborted) return;
  const results = [model, memory, perf, sim.r, plan, fit, cost];
  const errors = results.flatMap((r) => (r.ok ? [] : [r.error]));
  const modelErr = errors.find(isModelError) ?? null;
  showModelError(modelErr);
  const fields = showFieldErrors(errors.filter((e) => !isModelError(e) && inputError(e)));
  if (modelErr) renderInputProblem('the model (step 1)');
  // A field only the plan or the prices read (provider, traffic shape) leaves the memory verdict standing.
  else if (fields.length && !memory.ok) renderInputProblem(fields.join(', '));
  guarded('warnings-body', () =>
    renderWarnings([memory.ok ? memory.value.warnings : undefined, perf.ok ? perf.value.warnings : undefined, plan.ok && plan.value.feasible ? plan.value.recommended.warnings : undefined]),
  );
  guarded('launch-body', () => renderLaunch(memory.ok ? memory.value : null, plan.ok ? plan.value : null));
  markFresh('warnings', generation);
  markFresh('launch', generation);
  endRecompute(generation);
}

async function start(): Promise<void> {
  const app = document.getElementById('app') as HTMLElement;
  const state = decodeState(window.location.search);
  const [presets, gpus, health, providers] = await Promise.all([api.models(), api.gpus(), api.health(), api.providers()]);
  if (!presets.ok || !gpus.ok) {
    const e = !presets.ok ? presets.error : !gpus.ok ? gpus.error : null;
    setChildren(app, errorBox(`The planner could not load its catalogs: ${e?.message ?? 'unknown error'}`));
    return;
  }
  let controller: AbortController | null = null;
  let generation = 0;
  const run = () => {
    // A newer change cancels the requests of an older one (the server stops work for a closed request).
    controller?.abort();
    controller = new AbortController();
    recompute(state, controller.signal, ++generation, health.ok ? health.value : null).catch((e: unknown) => {
      if (!(e instanceof DOMException && e.name === 'AbortError')) console.error(e);
    });
  };
  const debounced = debounce(run, DEBOUNCE_MS);
  const onChange = () => {
    const query = encodeState(state);
    window.history.replaceState(null, '', query ? `?${query}` : window.location.pathname);
    // Busy at once, not after the debounce: what is on screen is already out of date.
    beginRecompute(generation + 1);
    debounced();
  };
  const share = h('button', { type: 'button', id: 'share' }, 'Copy link to this plan');
  share.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(window.location.href);
      share.textContent = 'Link copied';
    } catch {
      share.textContent = 'Copy the address bar';
    }
    window.setTimeout(() => (share.textContent = 'Copy link to this plan'), 1500);
  });
  setChildren(
    app,
    h(
      'div',
      { class: 'layout' },
      h(
        'div',
        { class: 'inputs' },
        modelStep(state, presets.value.models, onChange),
        hardwareStep(state, gpus.value.gpus, onChange),
        workloadStep(state, onChange),
        planSearchStep(state, gpus.value.gpus, onChange),
        share,
      ),
      resultsStep(state, onChange),
    ),
  );
  fillProviderFilter(providers.ok ? providers.value.gpu_providers : [], state);
  // For the browser tests: what each chart draws.
  (window as unknown as { capplanChart: typeof chartSummary }).capplanChart = chartSummary;
  run();
}

void start();
