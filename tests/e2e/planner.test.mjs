// Browser tests of the web planner: Debian's chromium driven by playwright-core against
// `capplan serve` on a free loopback port. Run by CTest (tests/CMakeLists.txt) or by hand:
//   CAPPLAN_BIN=build/capplan node --test tests/e2e/
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
  server = spawn(bin, ['serve', '--host', '127.0.0.1', '--port', String(port)], { stdio: ['ignore', 'inherit', 'inherit'] });
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
  assert.match(await page.textContent('#throughput-body'), /not available on this server|tok\/s/);
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
  await page.uncheck('#count-active');
  const flopsAfter = await textChanges(page, '#fact-flops', flopsBefore);
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
  await page.selectOption('#gpu', 'h200-sxm');
  const after = await textChanges(page, '#verdict', before);
  assert.match(after, /H200/);
  assert.notEqual(await page.textContent('#memory-table'), tableBefore);
  assert.match(page.url(), /gpu=h200-sxm/);
  await shot(page, '4-gpu-h200');
  await page.close();
});

test('a manual layout starts from the auto one and is checked', async () => {
  const { page } = await openPlanner();
  await page.check('#layout-manual');
  assert.equal(await page.inputValue('#tp'), '4');
  const before = await page.textContent('#verdict');
  await page.fill('#tp', '2');
  // The library's layout rule, word for word as the CLI prints it.
  const invalid = await textChanges(page, '#verdict', before);
  assert.match(invalid, /^No verdict: --ep=4 does not divide --tp=2/);
  await page.fill('#ep', '2');
  const after = await textChanges(page, '#verdict', invalid);
  assert.match(after, /TP 2 · EP 2 · PP 1 × 2 replicas/);
  await page.fill('#tp', '3');
  await page.waitForFunction(() => /not a multiple/.test(document.querySelector('#verdict')?.textContent ?? ''));
  assert.match(await page.textContent('#memory-body'), /request: gpus=4 is not a multiple of layout\.tp\*layout\.pp=3/);
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
  await page.waitForSelector('#model-error .error');
  assert.match(await page.textContent('#model-error'), /^config\.json: /);
  assert.match(await page.textContent('#verdict'), /^No verdict: config\.json: /);
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
