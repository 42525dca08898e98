// Steps 1-3: Model, Hardware, Workload. Each control writes its field of the state and calls onChange;
// the controls start from the state (so a shared link restores them).
import type { GpuInfo, PresetEntry } from './api';
import { field, h, numberInput, select } from './dom';
import { bytes, count } from './format';
import type { ModelMode, PlannerState } from './state';

const WEIGHT_DTYPES: Array<[string, string]> = [
  ['native', "native (the checkpoint's own)"],
  ['bf16', 'BF16'],
  ['fp8', 'FP8'],
  ['int8', 'INT8'],
  ['int4', 'INT4 (group 128)'],
  ['mxfp4', 'MXFP4'],
  ['nvfp4', 'NVFP4'],
];

function bindNumber(el: HTMLInputElement, set: (v: number) => void, onChange: () => void, scale = 1): void {
  el.addEventListener('input', () => {
    const v = el.valueAsNumber;
    if (Number.isFinite(v)) {
      set(v * scale);
      onChange();
    }
  });
}

function radios(name: string, options: Array<[string, string]>, value: string, onPick: (v: string) => void): HTMLElement {
  const group = h('div', { class: 'radios', role: 'radiogroup' });
  for (const [v, text] of options) {
    const input = h('input', { type: 'radio', name, value: v, id: `${name}-${v}`, checked: v === value });
    input.addEventListener('change', () => input.checked && onPick(v));
    group.append(h('label', { for: input.id, class: 'radio' }, input, ` ${text}`));
  }
  return group;
}

export function modelStep(s: PlannerState, presets: PresetEntry[], onChange: () => void): HTMLElement {
  const presetSelect = select(
    'preset',
    presets.map((p) => [p.name, `${p.name} (${count(p.params.total)} total / ${count(p.params.active)} active)`]),
    s.preset,
  );
  presetSelect.addEventListener('change', () => {
    s.preset = presetSelect.value;
    onChange();
  });

  const configText = h('textarea', { id: 'config-text', rows: 8, spellcheck: false, placeholder: 'Paste a Hugging Face config.json here' });
  configText.value = s.config;
  const configFile = h('input', { id: 'config-file', type: 'file', accept: '.json,application/json' });
  const applyConfig = h('button', { id: 'config-apply', type: 'button' }, 'Use this config.json');
  applyConfig.addEventListener('click', () => {
    s.config = configText.value;
    onChange();
  });
  configFile.addEventListener('change', async () => {
    const file = configFile.files?.[0];
    if (!file) return;
    configText.value = await file.text();
    s.config = configText.value;
    s.configName = file.name;
    onChange();
  });

  const simple = s.simple;
  const total = numberInput('simple-total', simple.total === null ? NaN : simple.total / 1e9, 0.001, 100000, 'any');
  total.addEventListener('input', () => {
    simple.total = Number.isFinite(total.valueAsNumber) ? total.valueAsNumber * 1e9 : null;
    onChange();
  });
  const active = numberInput('simple-active', simple.active / 1e9, 0.001, 100000, 'any');
  bindNumber(active, (v) => (simple.active = v), onChange, 1e9);
  const layers = numberInput('simple-layers', simple.layers, 1, 10000);
  bindNumber(layers, (v) => (simple.layers = v), onChange);
  const kvHeads = numberInput('simple-kv-heads', simple.kvHeads, 1, 10000);
  bindNumber(kvHeads, (v) => (simple.kvHeads = v), onChange);
  const headDim = numberInput('simple-head-dim', simple.headDim, 1, 100000);
  bindNumber(headDim, (v) => (simple.headDim = v), onChange);
  const experts = numberInput('simple-experts', simple.experts, 0, 100000);
  bindNumber(experts, (v) => (simple.experts = v), onChange);
  const topk = numberInput('simple-topk', simple.topk, 0, 100000);
  bindNumber(topk, (v) => (simple.topk = v), onChange);

  const panels: Record<ModelMode, HTMLElement> = {
    preset: h('div', { class: 'mode-panel', 'data-mode': 'preset' }, field('Preset', presetSelect)),
    config: h(
      'div',
      { class: 'mode-panel', 'data-mode': 'config' },
      field('config.json', configText, '', 'Paste the text or pick the file; the model is read exactly as vLLM would.'),
      h('div', { class: 'row' }, configFile, applyConfig),
    ),
    simple: h(
      'div',
      { class: 'mode-panel grid', 'data-mode': 'simple' },
      field('Total parameters', total, 'billions', 'Leave empty if unknown: sized as if active were total.'),
      field('Active parameters', active, 'billions per token'),
      field('Layers', layers),
      field('KV heads', kvHeads),
      field('Head dim', headDim),
      field('Experts', experts, '0 = dense'),
      field('Experts per token', topk),
    ),
  };
  const showPanel = () => {
    for (const [mode, panel] of Object.entries(panels)) panel.hidden = mode !== s.mode;
  };
  showPanel();
  const modeRadios = radios(
    'model-mode',
    [
      ['preset', 'Preset'],
      ['config', 'config.json'],
      ['simple', 'Just the numbers'],
    ],
    s.mode,
    (v) => {
      s.mode = v as ModelMode;
      showPanel();
      onChange();
    },
  );

  const countActive = h('input', { id: 'count-active', type: 'checkbox', checked: s.countActive });
  countActive.addEventListener('change', () => {
    s.countActive = countActive.checked;
    onChange();
  });

  return h(
    'section',
    { class: 'step', id: 'step-model' },
    h('h2', {}, h('span', { class: 'num' }, '1'), ' Model'),
    modeRadios,
    panels.preset,
    panels.config,
    panels.simple,
    h('div', { id: 'model-error' }),
    h(
      'div',
      { class: 'moe', id: 'moe-panel' },
      h('h3', {}, 'Mixture of experts'),
      h('dl', { id: 'moe-facts', class: 'facts' }),
      h(
        'label',
        { class: 'toggle', for: 'count-active' },
        countActive,
        ' Count active parameters ',
        h('small', {}, '(untick to size the model as dense of its total size, as calculators that ignore MoE do)'),
      ),
    ),
  );
}

export function hardwareStep(s: PlannerState, gpus: GpuInfo[], onChange: () => void): HTMLElement {
  // A link may name a GPU by alias ("h200"); the picker shows catalog ids.
  const wanted = s.gpu.toLowerCase();
  const known = gpus.find((g) => g.id === wanted || g.aliases.some((a) => a.toLowerCase() === wanted));
  if (known) s.gpu = known.id;
  const gpu = select(
    'gpu',
    gpus.map((g) => [g.id, `${g.name} (${bytes(g.memory_usable_bytes)} usable)`]),
    s.gpu,
  );
  gpu.addEventListener('change', () => {
    s.gpu = gpu.value;
    onChange();
  });
  const count = numberInput('gpus', s.gpus, 1, 4096);
  bindNumber(count, (v) => (s.gpus = Math.round(v)), onChange);
  const weights = select('weights', WEIGHT_DTYPES, s.weights);
  weights.addEventListener('change', () => {
    s.weights = weights.value;
    onChange();
  });
  const kv = select('kv-dtype', [['bf16', 'BF16'], ['fp8', 'FP8']], s.kvDtype);
  kv.addEventListener('change', () => {
    s.kvDtype = kv.value;
    onChange();
  });
  const engine = select('engine', [['vllm', 'vLLM'], ['sglang', 'SGLang'], ['trtllm', 'TensorRT-LLM']], s.engine);
  engine.addEventListener('change', () => {
    s.engine = engine.value;
    onChange();
  });
  const tp = numberInput('tp', s.tp, 1, 1024);
  bindNumber(tp, (v) => (s.tp = Math.round(v)), onChange);
  const ep = numberInput('ep', s.ep, 1, 1024);
  bindNumber(ep, (v) => (s.ep = Math.round(v)), onChange);
  const pp = numberInput('pp', s.pp, 1, 1024);
  bindNumber(pp, (v) => (s.pp = Math.round(v)), onChange);
  const manual = h('div', { class: 'grid three', id: 'manual-layout' }, field('TP', tp), field('EP', ep), field('PP', pp));
  const showManual = () => {
    for (const el of [tp, ep, pp]) el.disabled = s.layoutAuto;
    manual.classList.toggle('disabled', s.layoutAuto);
  };
  showManual();
  const layout = radios('layout', [['auto', 'Auto'], ['manual', 'Manual']], s.layoutAuto ? 'auto' : 'manual', (v) => {
    s.layoutAuto = v === 'auto';
    // Manual starts from what auto chose (the results write it into the fields).
    if (!s.layoutAuto) [s.tp, s.ep, s.pp] = [tp.valueAsNumber, ep.valueAsNumber, pp.valueAsNumber];
    showManual();
    onChange();
  });
  return h(
    'section',
    { class: 'step', id: 'step-hardware' },
    h('h2', {}, h('span', { class: 'num' }, '2'), ' Hardware'),
    h(
      'div',
      { class: 'grid' },
      field('GPU', gpu),
      field('GPUs', count, 'count'),
      field('Weights precision', weights),
      field('KV-cache dtype', kv),
      field('Engine', engine),
    ),
    h('div', { class: 'field' }, h('span', { class: 'label' }, 'Parallel layout'), layout),
    manual,
    h('p', { class: 'hint', id: 'layout-chosen' }),
  );
}

export function workloadStep(s: PlannerState, onChange: () => void): HTMLElement {
  const input = numberInput('input-tokens', s.inputTokens, 1, 1e7);
  bindNumber(input, (v) => (s.inputTokens = Math.round(v)), onChange);
  const output = numberInput('output-tokens', s.outputTokens, 1, 1e7);
  bindNumber(output, (v) => (s.outputTokens = Math.round(v)), onChange);
  const rate = numberInput('rate', s.rate, 0.001, 1e6, 'any');
  bindNumber(rate, (v) => (s.rate = v), onChange);
  const monthly = numberInput('monthly-tokens', s.monthlyTokens / 1e9, 0.001, 1e6, 'any');
  bindNumber(monthly, (v) => (s.monthlyTokens = v), onChange, 1e9);
  const showLoad = () => {
    byIdIn(rate).hidden = s.loadMode !== 'rate';
    byIdIn(monthly).hidden = s.loadMode !== 'monthly';
  };
  const load = radios('load', [['rate', 'Request rate'], ['monthly', 'Monthly tokens']], s.loadMode, (v) => {
    s.loadMode = v as 'rate' | 'monthly';
    showLoad();
    onChange();
  });
  const ttft = numberInput('slo-ttft', s.sloTtftSeconds, 0.001, 3600, 'any');
  bindNumber(ttft, (v) => (s.sloTtftSeconds = v), onChange);
  const tpot = numberInput('slo-tpot', s.sloTpotSeconds * 1e3, 0.1, 1e5, 'any');
  bindNumber(tpot, (v) => (s.sloTpotSeconds = v), onChange, 1e-3);
  const context = numberInput('context', s.context, 0, 2 ** 27);
  bindNumber(context, (v) => (s.context = Math.round(v)), onChange);
  const concurrency = numberInput('concurrency', s.concurrency, 1, 1e6);
  bindNumber(concurrency, (v) => (s.concurrency = Math.round(v)), onChange);
  // The plan's day of traffic: flat (the rate above all day) or diurnal (a peak for some hours, a trough the rest).
  const peak = numberInput('traffic-peak', s.peakRate, 0.001, 1e6, 'any');
  bindNumber(peak, (v) => (s.peakRate = v), onChange);
  const trough = numberInput('traffic-trough', s.troughRate, 0, 1e6, 'any');
  bindNumber(trough, (v) => (s.troughRate = v), onChange);
  const peakHours = numberInput('traffic-peak-hours', s.peakHours, 1, 22);
  bindNumber(peakHours, (v) => (s.peakHours = Math.round(v)), onChange);
  const diurnal = h('div', { class: 'grid three', id: 'traffic-diurnal-fields' }, field('Peak', peak, 'requests/s'), field('Trough', trough, 'requests/s'), field('Peak hours', peakHours, 'h/day'));
  const showTraffic = () => {
    diurnal.hidden = s.traffic !== 'diurnal';
    load.classList.toggle('disabled', s.traffic === 'diurnal');
  };
  const traffic = radios('traffic', [['flat', 'Flat (the rate all day)'], ['diurnal', 'Diurnal (peak and trough)']], s.traffic, (v) => {
    s.traffic = v as 'flat' | 'diurnal';
    showTraffic();
    onChange();
  });
  const section = h(
    'section',
    { class: 'step', id: 'step-workload' },
    h('h2', {}, h('span', { class: 'num' }, '3'), ' Workload'),
    h('div', { class: 'grid' }, field('Input length', input, 'tokens'), field('Output length', output, 'tokens')),
    h('div', { class: 'field' }, h('span', { class: 'label' }, 'Load'), load),
    h('div', { class: 'grid' }, field('Rate', rate, 'requests/s'), field('Monthly volume', monthly, 'billion tokens/month')),
    h('div', { class: 'field', id: 'traffic-shape' }, h('span', { class: 'label' }, 'Traffic over the day'), traffic, h('small', { class: 'hint' }, 'Diurnal: the plan is sized for the peak and compares a static fleet with an autoscaled one; the latency chart uses the peak.')),
    diurnal,
    h('div', { class: 'grid' }, field('SLO: p95 TTFT', ttft, 's'), field('SLO: p95 TPOT', tpot, 'ms')),
    h(
      'div',
      { class: 'grid' },
      field('Context per sequence', context, 'tokens', '0 = input + output. Sets --max-model-len.'),
      field('Concurrent sequences', concurrency, 'count', 'KV cache reserved for this many at full context.'),
    ),
  );
  showLoad();
  showTraffic();
  return section;
}

// The .field wrapper of a control, to hide label and control together.
function byIdIn(control: HTMLElement): HTMLElement {
  return (control.closest('.field') as HTMLElement | null) ?? control;
}

/// Which GPU types the plan searches (all by default, as `capplan plan`; the Hardware step's GPU is
/// only the one the memory, throughput and latency results are for).
export function planSearchStep(s: PlannerState, gpus: GpuInfo[], onChange: () => void): HTMLElement {
  const all = h('input', { type: 'checkbox', id: 'plan-gpus-all', checked: s.planGpus.length === 0 });
  const boxes = gpus.map((g) => h('input', { type: 'checkbox', id: `plan-gpu-${g.id}`, value: g.id, checked: s.planGpus.length === 0 || s.planGpus.includes(g.id) }));
  const sync = () => {
    const picked = boxes.filter((b) => b.checked).map((b) => b.value);
    s.planGpus = picked.length === boxes.length ? [] : picked;
    all.checked = s.planGpus.length === 0;
    onChange();
  };
  all.addEventListener('change', () => {
    for (const b of boxes) b.checked = all.checked;
    // Unticking "every GPU type" leaves the Hardware step's GPU, never an empty search.
    if (!all.checked) for (const b of boxes) b.checked = b.value === s.gpu;
    sync();
  });
  for (const b of boxes) b.addEventListener('change', () => {
    if (!boxes.some((x) => x.checked)) b.checked = true; // at least one type searched
    sync();
  });
  return h(
    'section',
    { class: 'step', id: 'step-plan' },
    h('h2', {}, 'Plan search'),
    h('p', { class: 'hint' }, 'The plan in the results looks for the cheapest deployment on these GPU types; the Hardware step is the one deployment checked in detail.'),
    h('div', { class: 'field', id: 'plan-gpus' },
      h('span', { class: 'label' }, 'GPU types searched'),
      h('label', { for: all.id, class: 'radio' }, all, ' every GPU type'),
      h('div', { class: 'checks' }, ...gpus.map((g, i) => h('label', { for: boxes[i]?.id ?? '', class: 'radio' }, boxes[i] ?? '', ` ${g.name}`))),
    ),
  );
}
