// Tests the npm packages as a user gets them. Needs the builds (`bash scripts/build.sh`):
// pkg/node (target nodejs), pkg/bundler (target bundler) and www/pkg (target web).
// `npm pack`s pkg/node, installs the tarball into an empty temporary folder (a local tarball with no
// dependencies needs no network: --offline), imports it from a Node.js ES module and type-checks a
// TypeScript user of it with `tsc --strict`. Prints one line per check, then `N passed, M failed`.
//   node tests/js/npm_package.mjs          KEEP=1 keeps the temporary folder
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const nodePkg = join(root, 'pkg', 'node');
const bundlerPkg = join(root, 'pkg', 'bundler');
const webPkg = join(root, 'www', 'pkg');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const work = mkdtempSync(join(tmpdir(), 'asl-sim-npm-'));
const app = join(work, 'app');
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

function assertEqual(actual, expected, what) {
  const [a, b] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== b) throw new Error(`${what}: expected ${b}, got ${a}`);
}

function run(command, args, cwd) {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`${command} ${args.join(' ')} failed:\n${e.stdout}${e.stderr}`);
  }
}

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const packFiles = (info) => info.files.map((f) => f.path).sort();

console.log(`node ${process.version}, temporary folder ${work}`);
let tarball;
let observed; // what the installed package did, reported by an ES module in the app folder

await check('pkg/node is the npm package asl-sim and `npm pack` packs it', async () => {
  const manifest = readJson(join(nodePkg, 'package.json'));
  assertEqual(manifest.name, 'asl-sim', 'package name');
  assertEqual(manifest.version, readJson(join(webPkg, 'package.json')).version, 'same version as the web build');
  const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], nodePkg));
  for (const file of ['asl_sim.js', 'asl_sim.d.ts', 'asl_sim_bg.wasm', 'package.json', 'README.md']) {
    if (!packFiles(info).includes(file)) throw new Error(`${file} not in the tarball: ${packFiles(info)}`);
  }
  tarball = join(work, info.filename);
  if (!existsSync(tarball)) throw new Error(`no ${tarball}`);
});

await check('the tarball installs into an empty folder with no network', async () => {
  if (!tarball) throw new Error('no tarball (see above)');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], app);
  assertEqual(readJson(join(app, 'node_modules', 'asl-sim', 'package.json')).name, 'asl-sim', 'installed name');
});

await check("a Node.js ES module imports it with `import { ... } from 'asl-sim'`", async () => {
  if (!existsSync(join(app, 'node_modules', 'asl-sim'))) throw new Error('not installed (see above)');
  writeFileSync(join(app, 'use.mjs'), `
import { version, jsonRoundTrip } from 'asl-sim';
import asl from 'asl-sim';
let error;
try { jsonRoundTrip('{"a": }'); } catch (e) {
  error = { isError: e instanceof Error, name: e.name, message: e.message };
}
console.log(JSON.stringify({
  version: version(),
  roundTrip: jsonRoundTrip('{ "z": 1, "a": {"2": "two", "1": "one"}, "big": 12345678901234567890 }'),
  error,
  defaultExports: Object.keys(asl).sort(),
}));
`);
  observed = JSON.parse(run(process.execPath, ['use.mjs'], app));
});

await check('version() is the package version', async () => {
  assertEqual(observed?.version, readJson(join(nodePkg, 'package.json')).version, 'version()');
});

await check('jsonRoundTrip keeps key order and integers above 2^53', async () => {
  assertEqual(observed?.roundTrip, '{"z":1,"a":{"2":"two","1":"one"},"big":12345678901234567890}', 'jsonRoundTrip');
});

await check('bad JSON throws an Error named InvalidExecutionInput', async () => {
  assertEqual(observed?.error?.isError, true, 'instanceof Error');
  assertEqual(observed?.error?.name, 'InvalidExecutionInput', 'name');
  if (!observed.error.message.includes('line 1 column 7')) throw new Error(`message: ${observed.error.message}`);
});

await check('the package exports its functions, and not the start function', async () => {
  for (const name of ['jsonRoundTrip', 'version']) {
    if (!observed?.defaultExports?.includes(name)) throw new Error(`${name} missing: ${observed?.defaultExports}`);
  }
  if (observed.defaultExports.includes('start')) throw new Error('start is exported');
});

await check('its TypeScript types check under tsc --strict', async () => {
  if (!existsSync(join(app, 'node_modules', 'asl-sim'))) throw new Error('not installed (see above)');
  writeFileSync(join(app, 'use.mts'), `
import { version, jsonRoundTrip } from 'asl-sim';
const v: string = version();
const out: string = jsonRoundTrip('{}');
// @ts-expect-error: the input is JSON text, not a value
jsonRoundTrip({ a: 1 });
console.log(v, out);
`);
  run(process.execPath, [tsc, '--strict', '--noEmit', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--target', 'es2022', 'use.mts'], app);
});

await check('the web build (www/pkg) runs in Node.js through initSync', async () => {
  const web = await import(pathToFileURL(join(webPkg, 'asl_sim.js')).href);
  web.initSync({ module: readFileSync(join(webPkg, 'asl_sim_bg.wasm')) });
  assertEqual(web.jsonRoundTrip('[1, {"b": 2, "a": 1}]'), '[1,{"b":2,"a":1}]', 'jsonRoundTrip');
  assertEqual(web.version(), readJson(join(webPkg, 'package.json')).version, 'version()');
});

await check('the bundler build (pkg/bundler) is an ES module package that packs', async () => {
  const manifest = readJson(join(bundlerPkg, 'package.json'));
  assertEqual(manifest.name, 'asl-sim', 'package name');
  assertEqual(manifest.module ?? manifest.main, 'asl_sim.js', 'entry point');
  const [info] = JSON.parse(run('npm', ['pack', '--dry-run', '--json'], bundlerPkg));
  for (const file of ['asl_sim.js', 'asl_sim_bg.js', 'asl_sim_bg.wasm', 'asl_sim.d.ts']) {
    if (!packFiles(info).includes(file)) throw new Error(`${file} not in the tarball: ${packFiles(info)}`);
  }
});

if (!process.env.KEEP) rmSync(work, { recursive: true, force: true });
const failed = results.filter(([, e]) => e).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
