// End-to-end tests of the playground (www/) in Debian's Chromium, driven by playwright-core (which
// downloads no browser). Needs the web build in www/pkg (`bash scripts/build.sh web`).
// Serves www/ with python3's http.server on a free loopback port, runs each check, prints one
// line per check and then `N passed, M failed`; exits 1 if any check failed.
//   node e2e/run.mjs        SHOT=path.png to choose where the screenshot goes
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const www = join(root, 'www');
const CHROMIUM = '/usr/bin/chromium';
// Without the networking flags Chromium keeps trying hosts that this closed network refuses.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TIMEOUT = 15_000;

if (!existsSync(join(www, 'pkg', 'asl_sim.js'))) {
  console.error('www/pkg is missing: run `bash scripts/build.sh web` first');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const crateVersion = JSON.parse(readFileSync(join(www, 'pkg', 'package.json'), 'utf8')).version;

// A whole run may not hang CI.
const watchdog = setTimeout(() => {
  console.error('e2e: gave up after 180 s');
  console.log('0 passed, 1 failed');
  process.exit(1);
}, 180_000);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForServer(base, serverLog) {
  for (let i = 0; i < 100; i++) {
    try {
      const response = await fetch(`${base}/index.html`);
      if (response.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`http.server did not come up on ${base}: ${serverLog()}`);
}

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', www],
  { stdio: ['ignore', 'ignore', 'pipe'] });
let serverErr = '';
server.stderr.on('data', (d) => { serverErr += d; });

const userDataDir = mkdtempSync(join(tmpdir(), 'asl-sim-e2e-chromium-'));
const shot = process.env.SHOT || join(tmpdir(), 'asl-sim-playground.png');
const results = [];
let context;
let page;
const problems = []; // console errors and uncaught exceptions on the page

async function check(name, fn) {
  try {
    await fn();
    results.push([name, null]);
    console.log(`ok   ${name}`);
  } catch (e) {
    results.push([name, e]);
    console.log(`FAIL ${name}\n     ${String(e.stack || e).split('\n').slice(0, 4).join('\n     ')}`);
  }
}

function assertEqual(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

async function run(definition, input, type) {
  if (definition !== undefined) await page.fill('#definition', definition);
  if (input !== undefined) await page.fill('#input', input);
  if (type !== undefined) await page.selectOption('#type', type);
  await page.evaluate(() => { document.getElementById('output').textContent = ''; });
  await page.click('#run');
  await page.waitForFunction(() => document.getElementById('output').textContent.length > 0, null, { timeout: TIMEOUT });
  return page.textContent('#output');
}

try {
  await waitForServer(base, () => serverErr);
  // launchPersistentContext gives Chromium a fresh --user-data-dir (Playwright refuses one in args).
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS,
  });
  page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console.error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  const wasmTypes = [];
  page.on('response', (r) => { if (r.url().endsWith('.wasm')) wasmTypes.push(r.headers()['content-type']); });

  await check('the page loads the wasm module and says ready', async () => {
    await page.goto(`${base}/index.html`);
    await page.waitForFunction(() => document.getElementById('status').textContent === 'ready', null, { timeout: TIMEOUT });
    assertEqual(wasmTypes[0], 'application/wasm', 'content type of the .wasm file');
    assertEqual(await page.isDisabled('#run'), false, 'Run button disabled');
  });

  await check('the page shows the crate version', async () => {
    assertEqual(await page.textContent('#version'), `v${crateVersion}`, 'version');
  });

  await check('Run on the default example returns its input', async () => {
    const out = await run();
    assertEqual(out, '{"greeting":"Hello, World!","count":1}', 'output');
  });

  await check('the trace shows every history event of the run', async () => {
    const types = await page.$$eval('#trace li', (lis) => lis.map((li) => li.dataset.type));
    assertEqual(types.join(','), 'ExecutionStarted,PassStateEntered,PassStateExited,ExecutionSucceeded', 'trace');
    const first = await page.textContent('#trace li:first-child');
    if (!first.includes('"input":"{\\"greeting\\":\\"Hello, World!\\",\\"count\\":1}"')) throw new Error(`details: ${first}`);
    const summary = await page.textContent('#summary');
    if (!summary.startsWith('SUCCEEDED') || !summary.includes('billed 100 ms, 64 MB')) throw new Error(`summary: ${summary}`);
  });

  await check('a Standard Wait of a day runs at once on the virtual clock', async () => {
    const definition = JSON.stringify({ StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 86400, Next: 'Done' },
      Done: { Type: 'Pass', Result: 'rested', End: true } } });
    const started = Date.now();
    const out = await run(definition, '{}', 'STANDARD');
    assertEqual(out, '"rested"', 'output');
    if (Date.now() - started > 10_000) throw new Error('took real time');
    const exited = await page.textContent('#trace li[data-type="WaitStateExited"]');
    if (!exited.includes('+24.0 h')) throw new Error(`WaitStateExited: ${exited}`);
    const summary = await page.textContent('#summary');
    assertEqual(summary.split(' in ')[1].split(' of ')[0], '24.0 h', 'execution time');
    if (!summary.endsWith('2 state transitions')) throw new Error(`Standard is billed per transition: ${summary}`);
  });

  await check('an Express machine times out at 5 minutes, and the trace ends with ExecutionTimedOut', async () => {
    const definition = JSON.stringify({ StartAt: 'Long', States: { Long: { Type: 'Wait', Seconds: 600, End: true } } });
    const out = JSON.parse(await run(definition, '{}', 'EXPRESS'));
    assertEqual(out.error, 'States.Timeout', 'error');
    assertEqual(await page.getAttribute('#output', 'class'), 'failed', 'output class');
    const types = await page.$$eval('#trace li', (lis) => lis.map((li) => li.dataset.type));
    assertEqual(types.at(-1), 'ExecutionTimedOut', 'last event');
  });

  await check('a failed execution shows its error and cause', async () => {
    const definition = JSON.stringify({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Oops', Cause: 'it broke' } } });
    const out = JSON.parse(await run(definition, '{}', 'EXPRESS'));
    assertEqual(JSON.stringify(out), '{"error":"Oops","cause":"it broke"}', 'output');
    assertEqual(await page.$$eval('#trace li', (lis) => lis.map((li) => li.dataset.type).join(',')),
      'ExecutionStarted,FailStateEntered,ExecutionFailed', 'trace');
  });

  await check('Stop ends a run on the real clock, and the next run works', async () => {
    await page.fill('#definition', JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } }));
    await page.selectOption('#clock', 'real');
    await page.click('#run');
    await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('running'));
    await page.click('#stop');
    await page.waitForFunction(() => !document.getElementById('run').disabled);
    assertEqual(await page.textContent('#status'), 'stopped', 'status');
    assertEqual(JSON.parse(await page.textContent('#output')).error, 'Stopped', 'output');
    await page.selectOption('#clock', 'virtual');
    const pass = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    assertEqual(await run(pass, '[1]', 'EXPRESS'), '[1]', 'output after Stop');
  });

  await check('the examples load into the editor and run', async () => {
    await page.selectOption('#example', 'Parallel and intrinsic functions');
    const out = await run();
    assertEqual(out, '[{"sum":42},{"text":"40 and 2"}]', 'output');
  });

  await check('Run keeps key order and integers above 2^53', async () => {
    const input = '{ "z": 1, "a": {"2": "two", "1": "one"}, "big": 12345678901234567890 }';
    const out = await run(JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }), input);
    assertEqual(out, '{"z":1,"a":{"2":"two","1":"one"},"big":12345678901234567890}', 'output');
  });

  await check('bad input shows an InvalidExecutionInput error', async () => {
    const out = JSON.parse(await run(undefined, '{"a": }'));
    assertEqual(out.error, 'InvalidExecutionInput', 'error');
    if (!out.cause.includes('line 1 column 7')) throw new Error(`cause: ${out.cause}`);
    assertEqual(await page.getAttribute('#output', 'class'), 'failed', 'output class');
  });

  await check('a definition that is not JSON shows an InvalidDefinition error', async () => {
    const out = JSON.parse(await run('{"StartAt": "A",', '{}'));
    assertEqual(out.error, 'InvalidDefinition', 'error');
  });

  await check('no console errors or uncaught exceptions', async () => {
    await page.screenshot({ path: shot, fullPage: true });
    if (problems.length) throw new Error(problems.join('\n'));
  });
} catch (e) {
  results.push(['the browser run itself', e]);
  console.log(`FAIL the browser run itself\n     ${e.stack || e}`);
} finally {
  if (context) await context.close().catch(() => {});
  server.kill();
  rmSync(userDataDir, { recursive: true, force: true });
  clearTimeout(watchdog);
}

const failed = results.filter(([, e]) => e).length;
console.log(`screenshot: ${shot}`);
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
