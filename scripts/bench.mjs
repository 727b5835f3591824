// `make bench`: the workloads of ../shared/bench/workloads (or $ASL_BENCH_DIR) natively (cargo
// bench), in wasm through the npm package's public JS API, and with the peer aws-local-stepfunctions
// in the same Node.js process; then the sizes of the wasm builds, cold starts (Node and Chromium)
// and peak memory. Prints one table. Every run's output is checked against the manifest's
// reference_output_sha256: a wrong output is reported as WRONG, never as a time.
// Express machines, virtual clock, logging OFF, the Simulator's default options (an execution's
// history is made only when someone reads it, which nobody does here).
//   node scripts/bench.mjs [WORKLOAD...]    BENCH_NO_BUILD=1 reuses dist/package and www/pkg
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = process.env.ASL_BENCH_DIR || join(root, '..', 'shared', 'bench', 'workloads');
const PEER = 'aws-local-stepfunctions@3.0.0';
const filter = process.argv.slice(2);

if (!existsSync(join(dir, 'manifest.json'))) {
  console.log(`bench: no workloads at ${dir}`);
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const names = Object.keys(manifest).filter((n) => filter.length === 0 || filter.some((f) => n.includes(f)));
const load = (w, key) => readFileSync(join(dir, manifest[w][key]), 'utf8');

/** Canonical JSON, as the manifest hashes it: keys sorted, no whitespace, JS numbers. */
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
const sha = (v) => createHash('sha256').update(canonical(v)).digest('hex');
const stats = (times) => {
  const t = [...times].sort((a, b) => a - b);
  return { median: t[Math.floor(t.length / 2)], min: t[0] };
};
// Timed runs: at least 7 (51 for short workloads) and at least a second of them, for both engines:
// this machine's speed changes in phases of a few hundred milliseconds (map_1000 in wasm: 5.4 ms a
// run, then 8.6 ms for twenty runs, then 5.4 ms again), which seven runs can fall into wholly.
const leastRuns = (w) => (manifest[w].expected_transitions > 1000 ? 7 : 51);
const enough = (w, runs, since) => runs >= leastRuns(w) && performance.now() - since >= 1000;
// Untimed runs first, the same for both engines: at least 3, and until 300 ms have passed, so that
// V8 has tiered up the wasm (Liftoff, then TurboFan) and the peer's JavaScript alike. Without
// them a short workload measures the baseline compiler (loop_1000: 12 ms a run cold, 1.3 ms warm).
// The cold start is measured on its own below.
async function warmUp(run) {
  const until = performance.now() + 300;
  for (let i = 0; i < 3 || performance.now() < until; i++) await run();
}

function sh(cmd, args, env = {}) {
  return execFileSync(cmd, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
}

// ---------------------------------------------------------------------------- builds
if (!process.env.BENCH_NO_BUILD) {
  console.log('bench: building the web, nodejs and web-lite packages (release) and the npm package');
  sh('bash', ['scripts/build.sh', 'web', 'nodejs', 'web-lite']);
  sh('node', ['scripts/package.mjs']);
}
const sizes = {};
// The npm package ships the web build's .wasm to browsers, the nodejs build's (opt-level 3) to
// Node, and the web-lite build's (no JSONata) as asl-sim/lite. Targets: issue 11.
for (const [build, file, target] of [
  ['web (the playground, npm asl-sim)', 'www/pkg/asl_sim_bg.wasm', 700_000],
  ['web-lite (no JSONata, npm asl-sim/lite)', 'www/pkg-lite/asl_sim_bg.wasm', 300_000],
  ['npm package asl_sim_bg.wasm (browsers)', 'dist/package/asl_sim_bg.wasm', 700_000],
  ['npm package asl_sim_node_bg.wasm (Node, opt-level 3; read from disk, no target)', 'dist/package/asl_sim_node_bg.wasm', null],
  ['npm package lite/asl_sim_bg.wasm', 'dist/package/lite/asl_sim_bg.wasm', 300_000],
]) {
  const path = join(root, file);
  if (!existsSync(path)) continue;
  const bytes = readFileSync(path);
  sizes[build] = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, target };
}

// ---------------------------------------------------------------------------- native
console.log('bench: cargo bench (native, release)');
const native = {};
for (const line of sh('cargo', ['bench', '--bench', 'workloads', '--', ...filter], { BENCH_JSON: '1' }).split('\n')) {
  if (!line.startsWith('{')) continue;
  const r = JSON.parse(line);
  native[r.workload] = { median: r.median_s * 1e3, min: r.min_s * 1e3, ok: r.ok };
}

// ---------------------------------------------------------------------------- wasm (public JS API)
console.log('bench: wasm through the JS API, in this Node.js process');
const { Simulator } = createRequire(import.meta.url)(join(root, 'dist', 'package', 'asl_sim.cjs'));
const wasm = {};
for (const w of names) {
  const definition = load(w, 'definition');
  const input = load(w, 'input');
  const times = [];
  let ok = true;
  await warmUp(async () => {
    const sim = new Simulator({ startDate: 0 });
    const { stateMachineArn } = sim.createStateMachine({ name: w, type: 'EXPRESS', definition });
    await sim.startSyncExecution({ stateMachineArn, input });
    sim.free();
  });
  for (const since = performance.now(); !enough(w, times.length, since); ) {
    const t = performance.now();
    const sim = new Simulator({ startDate: 0 });
    const { stateMachineArn } = sim.createStateMachine({ name: w, type: 'EXPRESS', definition });
    const result = await sim.startSyncExecution({ stateMachineArn, input });
    times.push(performance.now() - t);
    sim.free();
    ok &&= result.status === 'SUCCEEDED' && sha(JSON.parse(result.output)) === manifest[w].reference_output_sha256;
  }
  wasm[w] = { ...stats(times), ok };
}

// ---------------------------------------------------------------------------- the peer
console.log(`bench: ${PEER}, in this Node.js process`);
const peerDir = join(root, 'target', 'bench-peer');
if (!existsSync(join(peerDir, 'node_modules', 'aws-local-stepfunctions'))) {
  mkdirSync(peerDir, { recursive: true });
  writeFileSync(join(peerDir, 'package.json'), JSON.stringify({ name: 'bench-peer', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', PEER], { cwd: peerDir, stdio: 'inherit' });
}
const peerVersion = JSON.parse(readFileSync(join(peerDir, 'node_modules', 'aws-local-stepfunctions', 'package.json'))).version;
const { StateMachine } = await import(pathToFileURL(createRequire(join(peerDir, 'x.js')).resolve('aws-local-stepfunctions')));
const peer = {};
for (const w of names) {
  const definition = JSON.parse(load(w, 'definition'));
  const input = JSON.parse(load(w, 'input'));
  const times = [];
  let ok = true;
  await warmUp(async () => {
    try {
      await new StateMachine(definition).run(input).result;
    } catch {
      // A wrong run is reported by the timed runs.
    }
  });
  for (const since = performance.now(); !enough(w, times.length, since); ) {
    const t = performance.now();
    let output;
    try {
      const sm = new StateMachine(definition);
      output = await sm.run(input).result;
    } catch (e) {
      output = { error: String(e) };
    }
    times.push(performance.now() - t);
    ok &&= sha(output) === manifest[w].reference_output_sha256;
  }
  peer[w] = { ...stats(times), ok };
}

// ---------------------------------------------------------------------------- cold starts, memory
/** Runs a fresh Node.js process with `code` (an ES module) and returns what it printed as JSON. */
function fresh(code) {
  const file = join(root, 'target', 'bench-fresh.mjs');
  writeFileSync(file, code);
  const out = spawnSync(process.execPath, [file], { cwd: root, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(out.stderr || String(out.error));
  return JSON.parse(out.stdout.trim().split('\n').at(-1));
}
const pkgUrl = pathToFileURL(join(root, 'dist', 'package', 'asl_sim.cjs')).href;
const trivial = { definition: load('trivial', 'definition'), input: load('trivial', 'input') };
const coldNode = stats(
  Array.from({ length: 5 }, () =>
    fresh(`
      const t0 = performance.now();
      const { Simulator } = (await import(${JSON.stringify(pkgUrl)})).default;
      const sim = new Simulator();
      const { stateMachineArn } = sim.createStateMachine({ name: 'T', type: 'EXPRESS', definition: ${JSON.stringify(trivial.definition)} });
      const r = await sim.startSyncExecution({ stateMachineArn, input: ${JSON.stringify(trivial.input)} });
      console.log(JSON.stringify({ ms: performance.now() - t0, status: r.status }));`).ms),
);
const memory = fresh(`
  const { Simulator } = (await import(${JSON.stringify(pkgUrl)})).default;
  const rss = () => Math.round(process.resourceUsage().maxRSS / 1024);
  const run = async (sim, def, input) => {
    const { stateMachineArn } = sim.createStateMachine({ name: 'M', type: 'EXPRESS', definition: def });
    return sim.startSyncExecution({ stateMachineArn, input });
  };
  const sim = new Simulator();
  const marks = {};
  const t0 = performance.now();
  for (let i = 1; i <= 10000; i++) {
    await run(sim, ${JSON.stringify(trivial.definition)}, ${JSON.stringify(trivial.input)});
    if (i === 1000 || i === 10000) marks[i] = rss();
  }
  marks.perSecond = Math.round(10000 / ((performance.now() - t0) / 1000));
  const big = new Simulator();
  await run(big, ${JSON.stringify(load('map_10000', 'definition'))}, ${JSON.stringify(load('map_10000', 'input'))});
  console.log(JSON.stringify({ seq1000: marks[1000], seq10000: marks[10000], perSecond: marks.perSecond, map10000: rss() }));`);

async function coldChromium() {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return null;
  }
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const page = `<!doctype html><script type="module">
    const t0 = performance.now();
    const { default: init, Simulator } = await import('./pkg/asl_sim.js');
    await init();
    const sim = new Simulator();
    const { stateMachineArn } = sim.createStateMachine({ name: 'T', type: 'EXPRESS', definition: ${JSON.stringify(trivial.definition)} });
    const r = await sim.startSyncExecution({ stateMachineArn, input: ${JSON.stringify(trivial.input)} });
    document.title = JSON.stringify({ load: t0, done: performance.now(), status: r.status });
  </script>`;
  const server = createServer((req, res) => {
    const path = req.url === '/' ? null : join(root, 'www', req.url.split('?')[0]);
    if (path && !existsSync(path)) {
      res.statusCode = 404;
      return res.end();
    }
    res.setHeader('content-type', types[path ? extname(path) : '.html'] || 'application/octet-stream');
    res.end(path ? readFileSync(path) : page);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const times = [];
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(`http://127.0.0.1:${server.address().port}/`);
    await tab.waitForFunction(() => document.title.startsWith('{'));
    times.push(JSON.parse(await tab.title()).done);
    await context.close();
  }
  await browser.close();
  server.close();
  return stats(times);
}
const coldPage = await coldChromium();

// ---------------------------------------------------------------------------- the table
const rate = (w, r) => (r && r.ok ? manifest[w].expected_transitions / (r.median / 1e3) : null);
const fmt = (x) => (x == null ? 'WRONG' : x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0));
const crate = JSON.parse(sh('cargo', ['metadata', '--no-deps', '--format-version', '1'])).packages[0].version;
console.log(`\n## asl-sim ${crate} benchmark, ${new Date().toISOString().slice(0, 10)}`);
console.log(`machine: ${cpus().length} x ${cpus()[0].model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}; ${sh('rustc', ['--version']).trim()}; peer aws-local-stepfunctions ${peerVersion}`);
console.log('transitions per second from the median run (min in ms in brackets); ratio = wasm / peer\n');
console.log('| workload | transitions | asl-sim wasm | peer | ratio | asl-sim native |');
console.log('|---|---|---|---|---|---|');
for (const w of names) {
  const [a, p, n] = [rate(w, wasm[w]), rate(w, peer[w]), rate(w, native[w])];
  const ratio = a && p ? `${(a / p).toFixed(1)}x` : '-';
  const cell = (x, r) => (r ? `${fmt(x)} (${r.min.toFixed(2)})` : '-');
  console.log(`| ${w} | ${manifest[w].expected_transitions} | ${cell(a, wasm[w])} | ${cell(p, peer[w])} | ${ratio} | ${cell(n, native[w])} |`);
}
console.log('\n| build | .wasm bytes | gzipped (zlib, level 9) | target (gzipped) |');
console.log('|---|---|---|---|');
for (const [b, s] of Object.entries(sizes)) {
  if (s.target === null) {
    console.log(`| ${b} | ${s.raw} | ${s.gzip} | - |`);
    continue;
  }
  const verdict = s.gzip < s.target ? 'met' : `missed by ${s.gzip - s.target}`;
  console.log(`| ${b} | ${s.raw} | ${s.gzip} | < ${s.target}: ${verdict} |`);
}
console.log(`\ncold start, fresh Node.js process, import to first finished execution: median ${coldNode.median.toFixed(1)} ms (min ${coldNode.min.toFixed(1)})`);
if (coldPage) console.log(`first run in Chromium after navigation (load, init, one execution): median ${coldPage.median.toFixed(0)} ms (min ${coldPage.min.toFixed(0)})`);
console.log(`peak RSS (MiB): after 1,000 sequential executions ${memory.seq1000}, after 10,000 ${memory.seq10000}; then map_10000 ${memory.map10000}`);
// The same 10,000 one-state executions on one Simulator (default options: history kept, retention
// at 1,000 ended executions a machine), each created and run through the JS API.
console.log(`10,000 sequential executions on one Simulator (createStateMachine + startSyncExecution each): ${memory.perSecond} per second`);
const wrong = names.filter((w) => !wasm[w].ok || (native[w] && !native[w].ok));
if (wrong.length) {
  console.log(`\nWRONG outputs from asl-sim: ${wrong.join(', ')}`);
  process.exit(1);
}
