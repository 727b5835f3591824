// The AWS SDK v3 clients in headless Chromium: esbuild bundles `@aws-sdk/client-sfn` and
// `@aws-sdk/client-cloudwatch-logs` for the browser with tests/js/sdk_browser_entry.mjs, and a page
// runs a sync and an async Express execution through `sim.requestHandler()` on the web build
// (www/pkg, `bash scripts/build.sh web`). Every request the page makes is recorded: none may leave
// the loopback server that serves the page. playwright-core drives Debian's Chromium.
// Prints one line per check, then `N passed, M failed`.
//   node tests/js/sdk_browser.mjs
import { chromium } from 'playwright-core';
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const results = [];

async function check(name, fn) {
  try {
    await fn();
    results.push([name, null]);
    console.log(`ok   ${name}`);
  } catch (e) {
    results.push([name, e]);
    console.log(`FAIL ${name}\n     ${String(e.stack || e).split('\n').slice(0, 6).join('\n     ')}`);
  }
}

function finish() {
  const failed = results.filter(([, e]) => e).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

const watchdog = setTimeout(() => {
  console.error('sdk_browser: gave up after 120 s');
  results.push(['watchdog', new Error('timeout')]);
  finish();
}, 120_000);

if (!existsSync(join(root, 'www', 'pkg', 'asl_sim.js'))) {
  console.error('www/pkg is missing: run `bash scripts/build.sh web` first');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

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

const site = mkdtempSync(join(tmpdir(), 'asl-sim-sdk-page-'));
const userDataDir = mkdtempSync(join(tmpdir(), 'asl-sim-sdk-chromium-'));
let server;
let context;
try {
  await check('esbuild bundles the SDK clients for the browser', async () => {
    cpSync(join(root, 'www', 'pkg'), join(site, 'pkg'), { recursive: true });
    cpSync(join(here, 'sdk_flows.mjs'), join(site, 'sdk_flows.mjs'));
    cpSync(join(here, 'sdk_browser_entry.mjs'), join(site, 'entry.mjs'));
    await build({
      entryPoints: [join(site, 'entry.mjs')], bundle: true, format: 'esm', platform: 'browser',
      outfile: join(site, 'bundle.js'), external: ['./pkg/*'], logLevel: 'error',
      nodePaths: [join(root, 'node_modules')],
    });
    writeFileSync(join(site, 'index.html'),
      '<!doctype html><meta charset="utf-8"><title>SDK</title><script type="module" src="./bundle.js"></script>');
  });

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', site],
    { stdio: ['ignore', 'ignore', 'ignore'] });
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${base}/index.html`)).ok) break; } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const page = context.pages()[0] || await context.newPage();
  const elsewhere = [];
  page.on('request', (r) => { if (!r.url().startsWith(base)) elsewhere.push(r.url()); });
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${base}/index.html`);
  await page.waitForFunction(() => window.sdkResults, null, { timeout: 60_000 });
  const out = await page.evaluate(() => window.sdkResults);

  await check('StartSyncExecutionCommand in the page returns the output', async () => {
    if (!out.sync?.ok) throw new Error(out.sync?.error || out.error || JSON.stringify(out));
    if (out.sync.output !== '{"sum":3}') throw new Error(`output ${out.sync.output}`);
  });
  await check('StartExecutionCommand in the page, then the logs give the end record', async () => {
    if (!out.async?.ok) throw new Error(out.async?.error || out.error || JSON.stringify(out));
    if (out.async.output !== '{"sum":42}') throw new Error(`output ${out.async.output}`);
  });
  await check('no request leaves the page\'s own server, no uncaught error', async () => {
    if (elsewhere.length) throw new Error(`requests elsewhere: ${elsewhere.join(', ')}`);
    if (problems.length) throw new Error(problems.join('; '));
  });
} finally {
  clearTimeout(watchdog);
  if (context) await context.close().catch(() => {});
  if (server) server.kill();
  rmSync(site, { recursive: true, force: true });
  rmSync(userDataDir, { recursive: true, force: true });
}
finish();
