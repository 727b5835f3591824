// The installed package in headless Chromium (Debian's, driven by playwright-core): an esbuild
// bundle, a Vite build, and the README's page without a bundler (an import map and the package's files).
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

import { assertEqual, check, project, run, serve, write } from './harness.mjs';
import { codeBlocks } from './node.mjs';

const CHROMIUM = '/usr/bin/chromium';
// Without the networking flags Chromium keeps trying hosts that this closed network refuses.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TIMEOUT = 20_000;

// The app that esbuild bundles: the package's browser entry and its test helpers.
const APP = `
import { Simulator, version } from 'asl-sim';
import { statesEntered } from 'asl-sim/testing';
const sim = new Simulator({ seed: 3, startDate: 0 });
const { stateMachineArn } = sim.createStateMachine({ name: 'Browser', type: 'EXPRESS',
  definition: JSON.stringify({ StartAt: 'Ask', States: {
    Ask: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:ask', Next: 'Wait' },
    Wait: { Type: 'Wait', Seconds: 90, End: true } } }) });
sim.registerTaskHandler('arn:aws:lambda:us-east-1:123456789012:function:ask', async () => ({ agent: navigator.userAgent.includes('Chrome/') }));
const result = await sim.startSyncExecution({ stateMachineArn, input: '{}' });
window.result = { version: version(), status: result.status, output: result.output, stop: result.stopDate.toISOString(),
  entered: statesEntered(sim, result.executionArn) };
`;

export async function browserChecks({ root, tarball, work }) {
  const dir = join(work, 'browser');
  const esbuild = join(root, 'node_modules', '.bin', 'esbuild');
  let browser;
  let server;
  const problems = [];
  const open = async (url) => {
    problems.length = 0;
    const page = await browser.newPage();
    page.setDefaultTimeout(TIMEOUT);
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console.error: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
    await page.goto(url);
    return page;
  };

  await check('the tarball installs offline into an empty web project; Chromium starts', async () => {
    project(dir, tarball, { type: 'module' });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    server = await serve(dir);
  });

  await check('an esbuild bundle (--bundle --format=esm, the .wasm copied beside it) runs in Chromium', async () => {
    write(dir, { 'app.js': APP, 'bundle.html': '<!doctype html><script type="module" src="./out/app.js"></script>' });
    run(esbuild, ['app.js', '--bundle', '--format=esm', '--outdir=out', '--log-level=warning'], dir);
    copyFileSync(join(dir, 'node_modules/asl-sim/asl_sim_bg.wasm'), join(dir, 'out/asl_sim_bg.wasm'));
    const bundle = readFileSync(join(dir, 'out/app.js'), 'utf8');
    assertEqual(/from ['"]asl-sim/.test(bundle), false, 'the bundle still imports asl-sim');
    const page = await open(`${server.base}/bundle.html`);
    await page.waitForFunction(() => window.result, null, { timeout: TIMEOUT });
    const version = JSON.parse(readFileSync(join(dir, 'node_modules/asl-sim/package.json'), 'utf8')).version;
    assertEqual(await page.evaluate(() => window.result), { version, status: 'SUCCEEDED', output: '{"agent":true}',
      stop: '1970-01-01T00:01:30.000Z', entered: ['Ask', 'Wait'] }, 'window.result');
    assertEqual(problems, [], 'page errors');
  });

  await check('a Vite build (no plugin, no config) emits the .wasm as an asset and runs in Chromium', async () => {
    write(dir, { 'vite-app/index.html': '<!doctype html><script type="module" src="./app.js"></script>', 'vite-app/app.js': APP });
    run(join(root, 'node_modules', '.bin', 'vite'), ['build', 'vite-app', '--outDir', '../vite-out', '--base', './', '--logLevel', 'warn'], dir);
    const assets = readdirSync(join(dir, 'vite-out', 'assets')).map((f) => f.replace(/-[\w-]{8}\./, '.')).sort();
    assertEqual(assets, ['asl_sim_bg.wasm', 'index.js'], 'assets');
    const page = await open(`${server.base}/vite-out/index.html`);
    await page.waitForFunction(() => window.result, null, { timeout: TIMEOUT });
    assertEqual((await page.evaluate(() => window.result)).entered, ['Ask', 'Wait'], 'window.result.entered');
    assertEqual(problems, [], 'page errors');
  });

  await check("the README's page without a bundler runs in Chromium", async () => {
    const pages = codeBlocks(readFileSync(join(root, 'npm', 'README.md'), 'utf8'), 'html');
    assertEqual(pages.length, 1, 'html examples in npm/README.md');
    write(dir, { 'index.html': pages[0] });
    const page = await open(`${server.base}/index.html`);
    await page.waitForFunction(() => document.querySelector('output')?.textContent, null, { timeout: TIMEOUT });
    assertEqual(await page.textContent('output'), 'SUCCEEDED {"greeting":"Hello, page!"}', 'the page says');
    assertEqual(problems, [], 'page errors');
  });

  await browser?.close();
  await server?.close();
}
