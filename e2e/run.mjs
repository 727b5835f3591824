// End-to-end tests of the playground (www/) in Debian's Chromium, driven by playwright-core (which
// downloads no browser). Needs the web build in www/pkg (`bash scripts/build.sh web`); bundles the
// page's vendor modules first (scripts/build_www.mjs). Serves www/ with python3's http.server on a
// free loopback port, runs each check of checks.mjs, prints one line per check and then
// `N passed, M failed`; exits 1 if any check failed. Screenshots of the main views go to
// target/e2e/ (E2E_OUT=folder to choose another).
//   node e2e/run.mjs            ONLY=word to run the checks whose name contains it
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECKS } from './checks.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const www = join(root, 'www');
const CHROMIUM = '/usr/bin/chromium';
// Without the networking flags Chromium keeps trying hosts that this closed network refuses.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TIMEOUT = 15_000;
const out = process.env.E2E_OUT || join(root, 'target', 'e2e');

if (!existsSync(join(www, 'pkg', 'asl_sim.js'))) {
  console.error('www/pkg is missing: run `bash scripts/build.sh web` first');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
execFileSync(process.execPath, [join(root, 'scripts', 'build_www.mjs')], { stdio: 'inherit' });
mkdirSync(out, { recursive: true });

// A whole run may not hang CI.
const watchdog = setTimeout(() => {
  console.error('e2e: gave up after 270 s');
  console.log('0 passed, 1 failed');
  process.exit(1);
}, 270_000);

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
const results = [];
let context;

try {
  await waitForServer(base, () => serverErr);
  // launchPersistentContext gives Chromium a fresh --user-data-dir (Playwright refuses one in args).
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 },
  });
  context.setDefaultTimeout(TIMEOUT);
  const env = { context, base, out, fixtures: join(root, 'e2e', 'fixtures'), timeout: TIMEOUT };
  const only = process.env.ONLY;
  for (const [name, fn] of CHECKS) {
    if (only && !name.includes(only)) continue;
    const started = Date.now();
    try {
      await fn(env);
      results.push([name, null]);
      console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (e) {
      results.push([name, e]);
      console.log(`FAIL ${name}\n     ${String(e.stack || e).split('\n').slice(0, 5).join('\n     ')}`);
    }
  }
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
console.log(`screenshots: ${out}`);
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
