// The planner page: four steps, state in the URL, results recomputed (debounced) as inputs change.
import './style.css';

import { api, ApiError, type ApiResult } from './api';
import { debounce, errorBox, h, setChildren } from './dom';
import { hardwareStep, modelStep, workloadStep } from './inputs';
import { renderMemory, renderModel, renderPerf, renderPlan, renderSimulate, renderWarnings, resultsStep } from './results';
import { decodeState, deploymentFields, effectiveContext, encodeState, modelSource, type PlannerState } from './state';

const DEBOUNCE_MS = 250;

// Monthly tokens (input + output) as requests/s, over the cost model's 730-hour month.
const SECONDS_PER_MONTH = 730 * 3600;
function requestRate(s: PlannerState): number {
  return s.loadMode === 'rate' ? s.rate : s.monthlyTokens / SECONDS_PER_MONTH / (s.inputTokens + s.outputTokens);
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

async function recompute(s: PlannerState, signal: AbortSignal): Promise<void> {
  if (s.mode === 'config' && s.config.trim() === '') {
    const hint = new ApiError(400, { code: 'invalid_argument', message: 'Paste a config.json or pick the file, then press "Use this config.json".', field: 'config' });
    renderModel(null, hint);
    renderMemory(null, hint);
    document.body.dataset.state = 'ready';
    return;
  }
  const context = effectiveContext(s);
  const deployment = deploymentFields(s);
  const workload = {
    input: s.inputTokens,
    output: s.outputTokens,
    ...(s.loadMode === 'rate' ? { rate: s.rate } : { monthly_tokens: s.monthlyTokens }),
  };
  const slos = { slo_ttft_p95_seconds: s.sloTtftSeconds, slo_tpot_p95_seconds: s.sloTpotSeconds };
  const [model, memory, perf, simulate, plan] = await Promise.all([
    api.model({ ...modelSource(s), context }, signal),
    // The workload's context bounds the engine (--max-model-len), as the launch command will.
    api.memory({ ...deployment, context, batch: s.concurrency, max_model_len: context }, signal),
    api.perf({ ...deployment, input: s.inputTokens, output: s.outputTokens, batch: s.concurrency }, signal),
    api.simulate({ ...deployment, input: s.inputTokens, output: s.outputTokens, rate: requestRate(s), sweep: true, ...slos, requests: 1000, seed: 1 }, signal),
    // The plan for the chosen GPU type: the cheapest count, precision and layout on it, priced per provider.
    api.plan({ model: modelSource(s), ...workload, ...slos, gpus_allowed: [s.gpu], engine: s.engine }, signal),
  ]);
  if (signal.aborted) return;
  // One block's unexpected answer must not take the others down: its error shows in its place.
  guarded('model-error', () => renderModel(...split(model)));
  guarded('memory-body', () => renderMemory(...split(memory)));
  guarded('throughput-body', () => renderPerf(...split(perf)));
  guarded('latency-body', () => renderSimulate(...split(simulate)));
  guarded('cost-body', () => renderPlan(...split(plan), s.gpu));
  guarded('warnings-body', () => renderWarnings([
    memory.ok ? memory.value.warnings : undefined,
    perf.ok ? perf.value.warnings : undefined,
    plan.ok && plan.value.feasible ? plan.value.recommended.warnings : undefined,
  ]));
  document.body.dataset.state = 'ready';
}

async function start(): Promise<void> {
  const app = document.getElementById('app') as HTMLElement;
  const state = decodeState(window.location.search);
  const [presets, gpus] = await Promise.all([api.models(), api.gpus()]);
  if (!presets.ok || !gpus.ok) {
    const e = !presets.ok ? presets.error : !gpus.ok ? gpus.error : null;
    setChildren(app, errorBox(`The planner could not load its catalogs: ${e?.message ?? 'unknown error'}`));
    return;
  }
  let controller: AbortController | null = null;
  const run = () => {
    controller?.abort();
    controller = new AbortController();
    document.body.dataset.state = 'computing';
    recompute(state, controller.signal).catch((e: unknown) => {
      if (!(e instanceof DOMException && e.name === 'AbortError')) console.error(e);
    });
  };
  const debounced = debounce(run, DEBOUNCE_MS);
  const onChange = () => {
    const query = encodeState(state);
    window.history.replaceState(null, '', query ? `?${query}` : window.location.pathname);
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
      h('div', { class: 'inputs' }, modelStep(state, presets.value.models, onChange), hardwareStep(state, gpus.value.gpus, onChange), workloadStep(state, onChange), share),
      resultsStep(),
    ),
  );
  run();
}

void start();
