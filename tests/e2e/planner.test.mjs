// Browser tests of the web planner: Debian's chromium driven by playwright-core against
// `capplan serve` on a free loopback port. Run by CTest (tests/CMakeLists.txt) or by hand:
//   CAPPLAN_BIN=build/capplan node --test tests/e2e/
// (CAPPLAN_WEB_DIR=web/dist to serve the UI from a folder instead of the binary's embedded copy).
// A screenshot of each step lands in test-artifacts/e2e/.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';

const repo = resolve(new URL('../..', import.meta.url).pathname);
// playwright-core is a devDependency of web/, installed by `npm ci` there.
const { chromium } = createRequire(join(repo, 'web/package.json'))('playwright-core');
const bin = process.env.CAPPLAN_BIN ?? join(repo, 'build/capplan');
const chromiumPath = process.env.CAPPLAN_CHROMIUM ?? '/usr/bin/chromium';
const artifacts = join(repo, 'test-artifacts/e2e');
mkdirSync(artifacts, { recursive: true });

let server;
let browser;
let base;
let profile;

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

async function waitForHealth(url, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`capplan serve did not answer on ${url} within ${ms} ms`);
}

before(async () => {
  assert.ok(existsSync(bin), `no capplan binary at ${bin} (build it, or set CAPPLAN_BIN)`);
  assert.ok(existsSync(chromiumPath), `no chromium at ${chromiumPath} (CAPPLAN_WITH_BROWSER=1 scripts/setup.sh installs it)`);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // CAPPLAN_WEB_DIR=web/dist serves a fresh `npm run build` without relinking the binary (development).
  const webDir = process.env.CAPPLAN_WEB_DIR ? ['--web-dir', process.env.CAPPLAN_WEB_DIR] : [];
  server = spawn(bin, ['serve', '--host', '127.0.0.1', '--port', String(port), ...webDir], { stdio: ['ignore', 'inherit', 'inherit'] });
  await waitForHealth(base, 10000);
  profile = mkdtempSync(join(tmpdir(), 'capplan-chromium-'));
  // A fresh profile each run (playwright passes it to chromium as --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function openPlanner(query = '', viewport = { width: 1280, height: 900 }) {
  const page = await browser.newPage();
  await page.setViewportSize(viewport);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/${query}`);
  await page.waitForSelector('body[data-state="ready"]');
  return { page, errors };
}

// Waits until `selector`'s text differs from `before` and the page has finished recomputing.
async function textChanges(page, selector, before) {
  await page.waitForFunction(
    ([sel, old]) => document.body.dataset.state === 'ready' && document.querySelector(sel)?.textContent !== old,
    [selector, before],
  );
  return page.textContent(selector);
}

// The page has finished recomputing (a change flips it to "computing" at once, before the debounce).
async function ready(page) {
  await page.waitForSelector('body[data-state="ready"]');
}

async function occurrences(page, text) {
  return page.evaluate((t) => document.body.innerText.split(t).length - 1, text);
}

// What a chart draws (web/src/charts.ts chartSummary): scale types, dataset values and x pixels, markers.
async function chart(page, id) {
  return page.evaluate((i) => window.capplanChart?.(i) ?? null, id);
}

async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

test('Scout by default: the memory bar and the fit verdict', async () => {
  const { page, errors } = await openPlanner();
  assert.equal(await page.inputValue('#preset'), 'llama-4-scout');
  const verdict = await page.textContent('#verdict');
  assert.match(verdict, /^Fits on 4 × NVIDIA H100/);
  assert.match(verdict, /GiB free per GPU/);
  assert.ok(await page.isVisible('#memory-chart'), 'the memory bar is drawn');
  assert.match(await page.textContent('#memory-table'), /Weights\s*\d+\.\d GiB/);
  assert.match(await page.textContent('#fact-total'), /^10\d\.\dB$/);
  assert.match(await page.textContent('#fact-experts'), /^16 routed, 1 per token/);
  await shot(page, '1-scout-memory');
  // Routes this server does not offer show their error text instead of breaking the page.
  assert.match(await page.textContent('#throughput-body'), /Not available on this server|tok\/s/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('one H100 does not fit Scout in BF16, and says why', async () => {
  const { page } = await openPlanner('?gpus=1&weights=bf16');
  assert.match(await page.textContent('#verdict'), /^Does not fit on 1 × NVIDIA H100.*weights/);
  await shot(page, '2-scout-one-h100-no-fit');
  await page.close();
});

test('leaving active parameters out changes the prediction', async () => {
  const { page } = await openPlanner();
  const flopsBefore = await page.textContent('#fact-flops');
  await page.waitForSelector('#perf-summary');
  const perfBefore = await page.textContent('#perf-summary');
  await page.uncheck('#count-active');
  const flopsAfter = await textChanges(page, '#fact-flops', flopsBefore);
  const perfAfter = await textChanges(page, '#perf-summary', perfBefore);
  // The predicted throughput changes too: sized as a dense 109B model, every token computes every
  // expert, so the max-load throughput (compute-bound at large batch) falls well below the MoE's.
  const maxLoad = (s) => Number(/Max load \(all requests queued\): ([\d,]+) tok\/s/.exec(s)?.[1].replaceAll(',', ''));
  assert.ok(maxLoad(perfBefore) > 0, perfBefore);
  assert.ok(maxLoad(perfAfter) < 0.8 * maxLoad(perfBefore), `${perfBefore} -> ${perfAfter}`);
  const gflop = (s) => Number(/^([\d.]+) GFLOP/.exec(s)?.[1]);
  // Dense sizing of the 109B total predicts ~6x the compute per token of the 17B active.
  assert.ok(gflop(flopsAfter) > 5 * gflop(flopsBefore), `${flopsBefore} -> ${flopsAfter}`);
  assert.match(await page.textContent('#fact-experts'), /none \(dense\)/);
  assert.match(page.url(), /count_active=0/);
  await shot(page, '3-active-left-out');
  await page.close();
});

test('changing the GPU changes the result', async () => {
  const { page } = await openPlanner();
  const before = await page.textContent('#verdict');
  const tableBefore = await page.textContent('#memory-table');
  await page.waitForSelector('#cost-table');
  await page.selectOption('#gpu', 'h200-sxm');
  const after = await textChanges(page, '#verdict', before);
  assert.match(after, /H200/);
  assert.notEqual(await page.textContent('#memory-table'), tableBefore);
  // The plan still searches every GPU type; the chosen GPU's rows are highlighted.
  assert.ok(await page.locator('#gpu-type-table tr.chosen-gpu').count() <= 1);
  assert.match(page.url(), /gpu=h200-sxm/);
  await shot(page, '4-gpu-h200');
  await page.close();
});

test('a manual layout starts from the auto one and is checked', async () => {
  const { page } = await openPlanner();
  await page.check('#layout-manual');
  assert.equal(await page.inputValue('#tp'), '4');
  await page.fill('#tp', '2');
  await ready(page);
  // The library's layout rule, once, at the field, in the page's words (it has no --ep flag).
  const errors = await page.$$eval('.field-error', (els) => els.map((e) => [e.dataset.field, e.textContent]));
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.match(errors[0][0], /^(ep|tp)$/);
  assert.match(errors[0][1], /^EP=4 does not divide TP=2/);
  assert.equal(await occurrences(page, 'does not divide'), 1, 'the error is not repeated in the results');
  assert.match(await page.textContent('#verdict'), /^No verdict until (EP|TP) is fixed/);
  assert.equal(await page.getAttribute(`#${errors[0][0]}`, 'aria-invalid'), 'true');
  await page.fill('#ep', '2');
  await ready(page);
  assert.match(await page.textContent('#verdict'), /TP 2 · EP 2 · PP 1 × 2 replicas/);
  assert.equal(await page.locator('.field-error').count(), 0, 'a fixed input clears its error');
  // TP 8 on 4 GPUs: heads and experts divide, the GPUs do not (the CLI's rule and order, ResolveLayout).
  await page.fill('#tp', '8');
  await page.waitForFunction(() => /not a multiple/.test(document.querySelector('.field-error')?.textContent ?? ''));
  await ready(page);
  const gpusError = await page.$$eval('.field-error', (els) => els.map((e) => [e.dataset.field, e.textContent]));
  assert.equal(gpusError.length, 1, JSON.stringify(gpusError));
  assert.match(gpusError[0][1], /^GPUs=4 is not a multiple of TP x PP = 8/);
  // (The launch commands name their engine's flags, rightly; errors and the verdict do not.)
  const said = await page.$$eval('.field-error, .error, #verdict', (els) => els.map((e) => e.textContent).join(' | '));
  assert.doesNotMatch(said, /request: |layout\.tp|--tp/);
  await shot(page, '5-manual-layout-error');
  await page.close();
});

test('a shared URL restores the plan', async () => {
  const query = '?preset=llama-4-maverick&gpu=h200&gpus=8&weights=fp8&kv=fp8&in=2000&out=300&conc=32';
  const { page } = await openPlanner(query);
  assert.equal(await page.inputValue('#preset'), 'llama-4-maverick');
  assert.equal(await page.inputValue('#gpu'), 'h200-sxm');  // the link names it by alias
  assert.equal(await page.inputValue('#gpus'), '8');
  assert.equal(await page.inputValue('#weights'), 'fp8');
  assert.equal(await page.inputValue('#kv-dtype'), 'fp8');
  assert.equal(await page.inputValue('#input-tokens'), '2000');
  assert.equal(await page.inputValue('#concurrency'), '32');
  assert.match(await page.textContent('#verdict'), /on 8 × NVIDIA H200/);
  assert.match(await page.textContent('#fact-experts'), /^128 routed/);
  await shot(page, '6-shared-url');
  await page.close();
});

test('a bad config.json shows the error', async () => {
  const { page } = await openPlanner();
  await page.check('#model-mode-config');
  await page.fill('#config-text', '{"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32}');
  await page.click('#config-apply');
  await page.waitForFunction(() => /^config\.json: /.test(document.querySelector('#model-error')?.textContent ?? ''));
  await ready(page);
  assert.match(await page.textContent('#verdict'), /^No verdict until the model \(step 1\) is fixed/);
  assert.equal(await page.locator('#model-error .error').count(), 1, 'one error box for the model');
  await shot(page, '7-bad-config');
  await page.fill('#config-text', '{"model_type": ');
  await page.click('#config-apply');
  await page.waitForFunction(() => /malformed JSON/.test(document.querySelector('#model-error')?.textContent ?? ''));
  await page.close();
});

test('simple mode: the MoE panel takes the numbers', async () => {
  const { page } = await openPlanner();
  const before = await page.textContent('#verdict');
  await page.check('#model-mode-simple');
  await textChanges(page, '#fact-name', 'llama-4-scout (llama4)');
  assert.match(await page.textContent('#fact-name'), /from the numbers/);
  const totalBefore = await page.textContent('#fact-total');
  await page.fill('#simple-total', '150');
  const totalAfter = await textChanges(page, '#fact-total', totalBefore);
  assert.match(totalAfter, /^15\d\.\dB/);
  assert.notEqual(await page.textContent('#verdict'), before);
  await shot(page, '8-simple-mode');
  await page.close();
});

test('readable on a phone', async () => {
  const { page, errors } = await openPlanner('', { width: 390, height: 844 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no horizontal scrolling (page is ${width}px wide)`);
  assert.match(await page.textContent('#verdict'), /^Fits/);
  await shot(page, '9-phone');
  assert.deepEqual(errors, []);
  await page.close();
});

// Issue 16's web planner defects, each written against the page before the fix.

test('recomputing: a busy state, stale requests cancelled, old and new never mixed', async () => {
  const { page } = await openPlanner();
  const failed = [];
  page.on('requestfailed', (r) => r.url().endsWith('/api/plan') && failed.push(r.failure()?.errorText ?? ''));
  // Hold the plan's answers, so that the recompute is seen in progress.
  let release;
  const gate = new Promise((r) => (release = r));
  let held = 0;
  await page.route('**/api/plan', async (route) => {
    held++;
    await gate;
    await route.continue().catch(() => {}); // the page may have cancelled it meanwhile
  });
  await page.selectOption('#gpu', 'h200-sxm');
  assert.ok(await page.isVisible('#busy'), 'a busy state at once');
  await page.waitForFunction(() => document.querySelector('#verdict')?.textContent?.includes('H200'));
  await page.waitForFunction(() => !document.querySelector('#memory')?.classList.contains('stale'));
  assert.equal(await page.getAttribute('#cost', 'aria-busy'), 'true', 'the plan of the old input is marked stale');
  assert.match((await page.getAttribute('#cost', 'class')) ?? '', /stale/);
  assert.ok(await page.isVisible('#busy'));
  // A newer change cancels the older change's requests.
  await page.fill('#gpus', '8');
  await page.waitForFunction(() => document.querySelector('#verdict')?.textContent?.includes('8 × NVIDIA H200'));
  assert.ok(held >= 2, `two plan requests held (${held})`);
  release();
  await ready(page);
  assert.ok(failed.some((e) => /ABORTED|cancel/i.test(e)), `the first plan request was cancelled: ${JSON.stringify(failed)}`);
  assert.equal(await page.isVisible('#busy'), false);
  // Every block shows the answer of the same (newest) input.
  const generations = await page.$$eval('#step-results .block, #verdict', (els) => els.map((e) => e.dataset.generation));
  assert.equal(new Set(generations).size, 1, JSON.stringify(generations));
  assert.equal(await page.locator('#step-results .stale').count(), 0);
  await page.close();
});

test('latency against load: a numeric rate axis, the SLO lines and your rate', async () => {
  const { page } = await openPlanner();
  const c = await chart(page, 'latency-chart');
  assert.ok(c, 'the latency chart is drawn');
  assert.match(c.xType, /^(linear|logarithmic)$/);
  const p95 = c.datasets.find((d) => d.label === 'TTFT p95');
  const rates = p95.values.map((v) => v.x);
  assert.ok(rates.length >= 3, JSON.stringify(rates));
  // Positions follow the rates (unequal rates are not spaced evenly).
  const pos = (r) => (c.xType === 'linear' ? r : Math.log(r));
  const [r0, rn] = [rates[0], rates[rates.length - 1]];
  const [x0, xn] = [p95.xPixels[0], p95.xPixels[rates.length - 1]];
  for (let i = 1; i < rates.length - 1; i++) {
    const expected = x0 + ((pos(rates[i]) - pos(r0)) / (pos(rn) - pos(r0))) * (xn - x0);
    assert.ok(Math.abs(p95.xPixels[i] - expected) < 2, `rate ${rates[i]} at ${p95.xPixels[i]}px, expected ${expected}px`);
  }
  const ttftSlo = c.datasets.find((d) => d.label === 'TTFT target (p95)');
  const tpotSlo = c.datasets.find((d) => d.label === 'TPOT target (p95)');
  assert.ok(ttftSlo && ttftSlo.values.every((v) => v.y === 1), 'the 1 s TTFT target line');
  assert.ok(tpotSlo && tpotSlo.values.every((v) => v.y === 0.05), 'the 50 ms TPOT target line');
  const rate = c.markers.find((m) => /your rate/.test(m.label));
  assert.equal(rate?.value, 15);
  assert.match(await page.textContent('#sweep-summary'), /Your rate: 15\.0 requests\/s/);
  await shot(page, '10-latency-chart');
  await page.close();
});

test('long prompts still get a latency chart, within the server\'s limits', async () => {
  // 7,500 tokens per request: 1,000 simulated requests x 30 would pass the server's 2e8-token bound.
  const { page } = await openPlanner('?in=6500&out=1000');
  assert.ok(await page.isVisible('#latency-chart'), await page.textContent('#latency-body'));
  const c = await chart(page, 'latency-chart');
  assert.ok(c.datasets.find((d) => d.label === 'TTFT p95').values.length >= 2);
  assert.match(await page.textContent('#sweep-summary'), /\d+ simulated requests per rate/);
  assert.doesNotMatch(await page.textContent('#latency-body'), /limit/);
  await page.close();
});

test('the memory bar is drawn to capacity, with the shortfall against it', async () => {
  // Scout BF16 on one H100: the weights alone overflow the GPU.
  const { page } = await openPlanner('?gpus=1&weights=bf16');
  const c = await chart(page, 'memory-chart');
  const total = c.datasets.reduce((sum, d) => sum + d.values[0], 0);
  const demand = Number(/([\d.]+) GiB/.exec(await page.textContent('#memory-demand'))[1]);
  const gibOf = async (row) => {
    const t = await page.textContent(`#memory-table tr:has(th:text-is("${row}")) td`);
    const [, v, unit] = /([\d.]+) (GiB|MiB|KiB|B)/.exec(t);
    return Number(v) / { GiB: 1, MiB: 1024, KiB: 1024 ** 2, B: 1024 ** 3 }[unit];
  };
  const parts = (await gibOf('Weights')) + (await gibOf('Activations')) + (await gibOf('Runtime + CUDA graphs'));
  assert.ok(demand > parts, `${demand} > ${parts}`);
  // The bar is as long as the demand (not demand + shortfall).
  assert.ok(Math.abs(total - demand) < 0.2, `bar ${total} GiB, demand ${demand} GiB`);
  const capacity = c.markers.find((m) => /capacity/.test(m.label));
  assert.ok(capacity && capacity.value < demand, JSON.stringify(c.markers));
  const over = c.datasets.find((d) => /Beyond capacity/.test(d.label));
  assert.ok(Math.abs(over.values[0] - (demand - capacity.value)) < 0.2, JSON.stringify(over));
  assert.ok(c.xMax < demand * 1.1, `axis to ${c.xMax} GiB`);
  assert.match(await page.textContent('#memory-short'), /Short by\s*[\d.]+ GiB/);
  await shot(page, '11-memory-shortfall');
  await page.close();
});

test('no false "no --max-model-len" warning: the context field sets it', async () => {
  const { page } = await openPlanner();
  await page.waitForSelector('#warnings-body :is(ul, p)');
  assert.doesNotMatch(await page.textContent('#warnings-body'), /no --max-model-len/);
  assert.equal(await page.locator('#warnings-body li[data-code="unbounded_context"]').count(), 0);
  await page.close();
});

test('traffic tiers: self-host against the APIs at 1B, 10B and 100B tokens a month', async () => {
  const { page } = await openPlanner();
  await page.waitForSelector('#tiers-table');
  const rows = await page.$$eval('#tiers-table tbody tr', (trs) => trs.map((tr) => tr.textContent));
  assert.ok(rows.length >= 3, JSON.stringify(rows));
  assert.match(rows[0], /^1\.0B/);
  assert.ok(rows.every((r) => /\$[\d,]+\.\d\d/.test(r)), JSON.stringify(rows));
  await page.close();
});

test('a day of traffic: diurnal peak and trough, replicas over the day, static against autoscaled', async () => {
  const { page, errors } = await openPlanner();
  await page.waitForSelector('#fleet-table');
  // Flat by default: the rate every hour, nothing to scale down.
  assert.match(await page.textContent('#fleet-profile'), /^flat: 15 req\/s all day/);
  const plans = [];
  page.on('request', (r) => /\/api\/plan$/.test(r.url()) && plans.push(r.postDataJSON()));
  await page.check('#traffic-diurnal');
  await page.fill('#traffic-peak', '15');
  await page.fill('#traffic-trough', '2');
  await page.fill('#traffic-peak-hours', '8');
  await page.waitForFunction(() => document.body.dataset.state === 'ready' && /^diurnal/.test(document.querySelector('#fleet-profile')?.textContent ?? ''));
  assert.equal(plans.at(-1).traffic_profile, 'diurnal:peak=15,trough=2,peak-hours=8');
  assert.equal(plans.at(-1).rate, undefined);
  assert.match(decodeURIComponent(page.url()), /traffic=diurnal/);
  const cells = async (id) => page.$$eval(`#${id} td`, (tds) => tds.map((t) => t.textContent));
  const [, staticHours, staticUsd] = await cells('fleet-static');
  const [, autoHours, autoUsd, autoAttain] = await cells('fleet-autoscaled');
  const n = (t) => Number(t.replace(/[$,%]/g, ''));
  assert.ok(n(autoHours) < n(staticHours), `${autoHours} < ${staticHours}`);
  assert.ok(n(autoUsd) < n(staticUsd), `${autoUsd} < ${staticUsd}`);
  assert.match(autoAttain, /^\d+\.\d\d%$/);
  assert.match(await page.textContent('#fleet-summary'), /Autoscaling saves \$[\d,]+\.\d\d\/month/);
  assert.match(await page.textContent('#fleet-ramps'), /09:00 \d+ → \d+ replicas at 15 req\/s: \d+\.\d\d% of requests within the targets/);
  // The chart draws the server's replicas per hour, the static fleet and the requests/s of the profile.
  const c = await chart(page, 'fleet-chart');
  const ds = (label) => c.datasets.find((d) => d.label === label)?.values;
  const replicas = ds('Autoscaled replicas');
  assert.equal(replicas.length, 24);
  const rates = ds('Requests/s');
  assert.equal(Math.max(...rates), 15);
  assert.equal(Math.min(...rates), 2);
  assert.ok(ds('Static fleet (sized for the peak)').every((v) => v === Math.max(...replicas)));
  assert.ok(Math.min(...replicas) < Math.max(...replicas), JSON.stringify(replicas));
  assert.ok(await page.isVisible('#fleet-chart'));
  assert.deepEqual(errors, []);
  await shot(page, '15-day-of-traffic');
  await page.close();
});

test('a bad traffic profile is shown at the traffic field', async () => {
  const { page } = await openPlanner('?traffic=diurnal&peak=5&trough=20');
  await page.waitForSelector('.field-error[data-field="traffic-shape"]');
  assert.match(await page.textContent('.field-error[data-field="traffic-shape"]'), /trough=20 must be in \[0, peak\]/);
  await page.close();
});

test('the tier table follows your volume: a tenth, the volume, ten times', async () => {
  const { page } = await openPlanner('?rate=2');
  await page.waitForSelector('#tiers-table');
  const rows = await page.$$eval('#tiers-table tbody tr td:first-child', (tds) => tds.map((t) => t.textContent));
  const mine = rows.filter((r) => /\(your volume\)/.test(r));
  assert.equal(mine.length, 1, JSON.stringify(rows));
  // 2 requests/s x 1,500 tokens x 730 h = 7.9B tokens a month; 0.8B and 78.8B beside it, and 1B / 10B / 100B.
  assert.match(mine[0], /^7\.9B/);
  for (const t of ['788.4M', '1.0B', '10.0B', '78.8B', '100.0B']) assert.ok(rows.some((r) => r.startsWith(t)), `${t} in ${JSON.stringify(rows)}`);
  await page.close();
});

test('error bands beside TTFT and TPOT: how far measured runs of this regime fall from the prediction', async () => {
  const { page, errors } = await openPlanner('?weights=bf16');
  await page.waitForSelector('#tpot-band');
  const body = { model: { preset: 'llama-4-scout' }, gpu: 'h100-sxm', gpus: 4, weights: 'bf16', kv_dtype: 'bf16', engine: 'vllm', max_model_len: 8192, input: 1000, output: 500, batch: 16 };
  const perf = await (await fetch(`${base}/api/perf`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json();
  const b = perf.decode.tpot_error_band;
  assert.ok(b.count > 0, JSON.stringify(b));
  const pct = (f) => { const p = Math.round((f - 1) * 100); return `${p > 0 ? '+' : p < 0 ? '−' : '±'}${Math.abs(p)}%`; };
  const tpot = await page.textContent('#tpot-band');
  assert.ok(tpot.includes(`${pct(b.low)} to ${pct(b.high)}, ${b.count} comparable measurements of ${b.regime}`), `${tpot} vs ${JSON.stringify(b)}`);
  assert.match(tpot, /typically \d[\d.]* ms to \d[\d.]* ms: /);
  const t = perf.prefill.ttft_error_band;
  assert.ok((await page.textContent('#ttft-band')).includes(`${pct(t.low)} to ${pct(t.high)}, ${t.count} comparable measurements`));
  // The latency sweep carries them too (POST /api/simulate's error_bands).
  await page.waitForSelector('#sweep-bands');
  assert.match(await page.textContent('#sweep-bands'), /TTFT typically .*TPOT typically .*comparable measurements of vllm moe hopper/);
  // Another engine is another regime.
  await page.selectOption('#engine', 'trtllm');
  await page.waitForFunction(() => document.body.dataset.state === 'ready' && /trtllm/.test(document.querySelector('#tpot-band')?.textContent ?? ''));
  assert.deepEqual(errors, []);
  await page.close();
});

test('the plan searches across GPU types, with a GPU filter', async () => {
  const { page } = await openPlanner();
  await page.waitForSelector('#gpu-type-table');
  const types = await page.$$eval('#gpu-type-table tbody tr td:nth-child(2)', (tds) => tds.map((t) => t.textContent.replace(/^\d+ × /, '')));
  assert.ok(new Set(types).size >= 2, `more than one GPU type: ${JSON.stringify(types)}`);
  // Only the Hardware step's GPU, then add the H200.
  await page.uncheck('#plan-gpus-all');
  await ready(page);
  const only = await page.$$eval('#gpu-type-table tbody tr td:nth-child(2)', (tds) => tds.map((t) => t.textContent));
  assert.ok(only.length > 0 && only.every((t) => /H100/.test(t)), JSON.stringify(only));
  await page.check('#plan-gpu-h200-sxm');
  await ready(page);
  const two = await page.$$eval('#gpu-type-table tbody tr td:nth-child(2)', (tds) => tds.map((t) => t.textContent));
  assert.ok(two.every((t) => /H100|H200/.test(t)), JSON.stringify(two));
  assert.match(decodeURIComponent(page.url()), /plangpus=h100-sxm,h200-sxm/);
  await shot(page, '12-plan-gpu-filter');
  await page.close();
});

test('MoE at scale: attention-DP ranks, disaggregated pools and MTP are named in the plan, as /api/plan has them', async () => {
  // DeepSeek-R1 at 20 requests/s of 8,000 + 1,000 tokens on B200s: the candidates include attention-DP replicas,
  // disaggregated prefill/decode pairs and MTP variants (capplan plan deepseek-r1 --rate 20 --input 8000 --output 1000).
  const page = await browser.newPage();
  const plans = [];
  page.on('response', (r) => {
    if (r.url().endsWith('/api/plan') && r.request().method() === 'POST' && r.ok()) plans.push(r.json());
  });
  await page.goto(`${base}/?preset=deepseek-r1&gpu=b200-hgx&gpus=8&in=8000&out=1000&rate=20&plangpus=b200-hgx`);
  await ready(page);
  assert.ok(plans.length > 0, 'the page asked for a plan');
  const body = await plans.at(-1);
  assert.equal(body.feasible, true, JSON.stringify(body).slice(0, 300));
  const rec = body.recommended;
  assert.ok((rec.layout.dp_attention ?? 1) > 1 || rec.disagg, `an MoE-at-scale layout: ${JSON.stringify(rec.layout)}`);
  const heading = await page.$eval('#launch-body', (el) => el.textContent);
  if ((rec.layout.dp_attention ?? 1) > 1) assert.match(heading, new RegExp(`DP-attention ${rec.layout.dp_attention}`));
  if (rec.speculative) assert.match(heading, new RegExp(`MTP${rec.speculative.tokens}`));
  if (rec.disagg) assert.match(heading, /disaggregated: \d+ prefill/);
  // Never the old text that dropped the attention-DP ranks: "TP 1 · EP 8" for a DP-attention 8 replica.
  const row = await page.$eval('#gpu-type-table tbody tr', (tr) => tr.cells[2].textContent);
  if ((body.candidates[0].layout.dp_attention ?? 1) > 1) assert.doesNotMatch(row, /TP 1 · EP/);
  await page.close();
});

// The rows of the provider table (#cost-table, POST /api/cost) as objects keyed by the column headings.
async function costRows(page) {
  return page.$$eval('#cost-table', ([table]) => {
    const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent);
    return [...table.querySelectorAll('tbody tr')].map((tr) => ({
      ...Object.fromEntries([...tr.cells].map((td, i) => [heads[i], td.textContent])),
      stale: tr.classList.contains('stale-price'),
    }));
  });
}
const money = (t) => Number(t.replace(/[$,]/g, ''));

test('the configuration on screen priced by every provider of its GPU (POST /api/cost)', async () => {
  const { page, errors } = await openPlanner('?weights=bf16');
  await page.waitForSelector('#cost-table');
  const rows = await costRows(page);
  const names = rows.map((r) => r.Provider);
  // The seed's comparison: the same 4x H100 deployment at RunPod, Lambda, CoreWeave and AWS (not 12 rows of one).
  for (const p of ['RunPod', 'Lambda', 'CoreWeave', 'AWS']) assert.ok(names.includes(p), `${p} in ${JSON.stringify(names)}`);
  assert.equal(new Set(names).size, names.length, `one row per provider: ${JSON.stringify(names)}`);
  for (const r of rows) {
    // $/month is $/hour x 730 (a month of 24/7), to the cent; every row has its date.
    assert.ok(Math.abs(money(r['$/month (24/7)']) - money(r['$/hour']) * 730) < 0.01 * 730, JSON.stringify(r));
    assert.match(r['Price as of'], /^\d{4}-\d\d(-\d\d)?/);
    assert.match(r['$ per M output tokens'], /^\$\d+\.\d{3}$/);
  }
  // CoreWeave and AWS rent 8-GPU nodes: 8 GPUs billed for a 4-GPU deployment, and the page says so.
  const cw = rows.find((r) => r.Provider === 'CoreWeave');
  assert.match(cw['GPUs billed'], /^8 \(1 × 8-GPU instance, billed whole \(4 GPUs idle\)\)$/);
  assert.match(await page.textContent('#cost-billed-whole'), /CoreWeave.*idle GPUs are billed too/);
  const runpod = rows.find((r) => r.Provider === 'RunPod');
  assert.match(runpod['GPUs billed'], /^4 /);
  // The table is the server's: as many rows as POST /api/cost answers for this configuration.
  const api = await (await fetch(`${base}/api/cost`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ model: { preset: 'llama-4-scout' }, gpu: 'h100-sxm', gpus: 4, weights: 'bf16', kv_dtype: 'bf16', max_model_len: 8192 }) })).json();
  assert.equal(rows.length, api.providers.length);
  assert.match(await page.textContent('#cost-capacity'), /requests\/s.*730 hours/);
  assert.deepEqual(errors, []);
  await shot(page, '14-cost-by-provider');
  await page.close();
});

test('the provider filter lists every provider of the catalog; an unknown one is an error, not zero rows', async () => {
  const { page } = await openPlanner();
  await page.waitForSelector('#cost-table');
  const options = await page.$$eval('#provider-filter option', (os) => os.map((o) => o.value).filter((v) => v));
  const catalog = await (await fetch(`${base}/api/providers`)).json();
  assert.deepEqual([...options].sort(), [...catalog.gpu_providers].sort());
  // Providers that do not price the GPU on screen are offered too (the catalog, not what one answer held).
  assert.ok(options.length > (await costRows(page)).length, JSON.stringify(options));
  await page.selectOption('#provider-filter', 'Lambda');
  await ready(page);
  const rows = await costRows(page);
  assert.ok(rows.length > 0 && rows.every((r) => r.Provider === 'Lambda'), JSON.stringify(rows));
  assert.match(await page.textContent('#plan-scope'), /priced at Lambda/);
  assert.match(decodeURIComponent(page.url()), /provider=Lambda/);
  await page.close();
  // A misspelt provider in a shared link: the server's error at the filter, no empty table.
  const bad = await openPlanner('?provider=lamda');
  await bad.page.waitForSelector('.field-error[data-field="provider-filter"]');
  assert.match(await bad.page.textContent('.field-error[data-field="provider-filter"]'), /unknown provider 'lamda'; known: .*Lambda/);
  assert.equal(await bad.page.locator('#cost-table').count(), 0);
  // The memory check does not depend on the provider: its verdict stands.
  assert.match(await bad.page.textContent('#verdict'), /^Fits on 4 × NVIDIA H100/);
  await bad.page.close();
});

test('stale prices are flagged in the provider table', async () => {
  // The 3-year rental rates of the TCO table are dated 2026-04: older than the 90 days the planner trusts.
  const { page } = await openPlanner('?pricing=reserved-3y');
  await page.waitForSelector('#cost-table');
  assert.equal(await page.inputValue('#pricing-tier'), 'reserved-3y');
  const rows = await costRows(page);
  const stale = rows.filter((r) => r.stale);
  assert.ok(stale.length >= 1, JSON.stringify(rows));
  assert.ok(stale.every((r) => /\(stale\)$/.test(r['Price as of'])), JSON.stringify(stale));
  assert.match(await page.textContent('#cost-stale'), /Stale prices/);
  await page.close();
});

test('the minimum viable configurations, with $/month at the cheapest provider (POST /api/fit)', async () => {
  const { page, errors } = await openPlanner('?conc=16');
  await page.waitForSelector('#fit-table');
  const rows = await page.$$eval('#fit-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  assert.ok(rows.length >= 2, JSON.stringify(rows));
  // Each priced row: "$7,854.80 (RunPod)"; the figure is the API's cheapest rental x 730 hours.
  const priced = rows.filter((r) => /^\$[\d,]+\.\d\d \(.+\)$/.test(r[5]));
  assert.ok(priced.length >= 1, `priced: ${JSON.stringify(rows)}`);
  const api = await (await fetch(`${base}/api/fit`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ model: { preset: 'llama-4-scout' }, context: 8192, batch: 16, engine: 'vllm', kv_dtype: 'bf16' }) })).json();
  const first = api.configurations.find((c) => c.usd_per_month !== null);
  assert.ok(rows.some((r) => r[0] === first.gpu && r[5].includes(first.provider)), JSON.stringify({ first, rows }));
  assert.doesNotMatch(await page.textContent('#fit-body'), /does not price|Not available/);
  assert.deepEqual(errors, []);
  await shot(page, '13-fit-priced');
  await page.close();
});

test('launch commands are labelled with the deployment they start', async () => {
  const { page } = await openPlanner('?weights=bf16&ctx=8192&conc=16');
  await page.waitForSelector('#launch-plan');
  assert.match(await page.textContent('#launch-plan h4'), /^For the plan's recommendation: \d+ × /);
  assert.match(await page.textContent('#launch-on-screen h4'), /^For the configuration on screen: 4 × NVIDIA H100/);
  // The command for what is on screen (BF16, 8,192 tokens, 16 sequences), not the plan's bounds.
  assert.match(await page.textContent('#launch-on-screen'), /--max-model-len 8192 --max-num-seqs 16/);
  await page.close();
});

test('TensorRT-LLM: the command with its options file, the checkpoint and the notes', async () => {
  // The engine module's answer shape (tools/json/encode_launch.cc): `commands` with options_file and notes.
  // The plan's answer is taken from the server and given a trtllm entry, so this runs on any server.
  const page = await browser.newPage();
  await page.route('**/api/plan', async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    if (body.feasible) {
      const vllm = body.recommended.launch.vllm;
      body.recommended.launch.commands = [
        { engine: 'vllm', command: vllm, options_file: '', checkpoint: 'meta-llama/Llama-4-Scout-17B-16E-Instruct', notes: [] },
        { engine: 'trtllm', command: 'trtllm-serve meta-llama/Llama-4-Scout-17B-16E-Instruct --tp_size 4 --extra_llm_api_options extra.yaml', options_file: 'kv_cache_config:\n  free_gpu_memory_fraction: 0.9\n', checkpoint: 'meta-llama/Llama-4-Scout-17B-16E-Instruct', notes: ['quantize first'] },
      ];
    }
    await route.fulfill({ response: res, json: body });
  });
  await page.goto(`${base}/`);
  await ready(page);
  assert.match(await page.textContent('#launch-trtllm'), /^trtllm-serve /);
  assert.match(await page.textContent('#launch-trtllm-options'), /free_gpu_memory_fraction: 0\.9/);
  assert.match(await page.textContent('#launch-plan [data-engine="trtllm"]'), /TensorRT-LLM.*Checkpoint: meta-llama\/.*quantize first/s);
  assert.match(await page.textContent('#launch-plan [data-engine="vllm"] strong'), /^vLLM$/);
  await page.close();
});

test('a favicon, and no 404 on a page load', async () => {
  const page = await browser.newPage();
  const missing = [];
  page.on('response', (r) => r.status() >= 400 && missing.push(`${r.status()} ${r.url()}`));
  await page.goto(`${base}/`);
  await page.waitForSelector('body[data-state="ready"]');
  assert.equal(await page.locator('link[rel="icon"]').count(), 1);
  assert.deepEqual(missing, []);
  await page.close();
});
