#!/usr/bin/env node
// Assembles the npm package asl-sim from wasm-pack's outputs and the hand-written files of npm/,
// and packs it: `node scripts/package.mjs` (or `make package`) writes dist/asl-sim-<version>.tgz.
// Needs the builds `web` (www/pkg), `web-lite` (www/pkg-lite) and `nodejs` (pkg/node) of
// wasm-pack.toml (`bash scripts/build.sh web web-lite nodejs`). The lite build (no JSONata) goes
// into lite/ as `asl-sim/lite`, with typings identical to the full build's. Browsers get the web
// build's .wasm (asl_sim_bg.wasm, built for size); Node gets the nodejs build's
// (asl_sim_node_bg.wasm, built for speed), which its glue (asl_sim.cjs) reads.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'www', 'pkg');
const lite = join(root, 'www', 'pkg-lite');
const node = join(root, 'pkg', 'node');
const npm = join(root, 'npm');
const dist = join(root, 'dist');
const out = join(dist, 'package');

const fail = (message) => {
  console.error(`package: error: ${message}`);
  process.exit(1);
};
const read = (...path) => readFileSync(join(...path), 'utf8');

for (const [dir, build] of [[web, 'web'], [lite, 'web-lite'], [node, 'nodejs']]) {
  if (!existsSync(join(dir, 'asl_sim.js'))) fail(`${dir} is missing: run \`bash scripts/build.sh ${build}\` first`);
}
const version = JSON.parse(read(web, 'package.json')).version;
if (JSON.parse(read(node, 'package.json')).version !== version) fail('www/pkg and pkg/node are of different versions');
if (JSON.parse(read(lite, 'package.json')).version !== version) fail('www/pkg and www/pkg-lite are of different versions');
// One public API: the lite build's typings are the full build's, byte for byte.
if (read(lite, 'asl_sim.d.ts') !== read(web, 'asl_sim.d.ts')) fail('www/pkg-lite/asl_sim.d.ts differs from www/pkg/asl_sim.d.ts');

// The nodejs glue reads its .wasm beside itself; in the package that file is asl_sim_node_bg.wasm.
const nodeWasmPath = '`${__dirname}/asl_sim_bg.wasm`';
const nodeGlue = read(node, 'asl_sim.js');
if (nodeGlue.split(nodeWasmPath).length !== 2) fail('the nodejs glue no longer reads asl_sim_bg.wasm beside itself, once');

rmSync(dist, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const copy = (from, to) => cpSync(from, join(out, to), { recursive: true });
copy(join(web, 'asl_sim_bg.wasm'), 'asl_sim_bg.wasm');
copy(join(web, 'asl_sim.js'), 'asl_sim.js');
copy(join(web, 'asl_sim.d.ts'), 'asl_sim.d.ts');
copy(join(node, 'asl_sim_bg.wasm'), 'asl_sim_node_bg.wasm');
writeFileSync(join(out, 'asl_sim.cjs'), nodeGlue.replace(nodeWasmPath, '`${__dirname}/asl_sim_node_bg.wasm`'));
copy(join(node, 'asl_sim.d.ts'), 'asl_sim.d.cts');
for (const name of readdirSync(npm)) if (name !== 'package.json') copy(join(npm, name), name);
for (const name of ['asl_sim_bg.wasm', 'asl_sim.js', 'asl_sim.d.ts']) copy(join(lite, name), join('lite', name));

// testing.js has only `export function`s: its CommonJS copy drops the keyword and lists them.
const testing = read(npm, 'testing.js');
const names = [...testing.matchAll(/^export function (\w+)/gm)].map((m) => m[1]);
const cjs = testing.replace(/^export function /gm, 'function ');
if (/^\s*(export|import)\b/m.test(cjs)) fail('testing.js may only export functions (`export function name`)');
writeFileSync(join(out, 'testing.cjs'), `'use strict';\n// Written by scripts/package.mjs from testing.js.\n${cjs}\nmodule.exports = { ${names.join(', ')} };\n`);
copy(join(npm, 'testing.d.ts'), 'testing.d.cts');

const manifest = JSON.parse(read(npm, 'package.json'));
manifest.version = version;
writeFileSync(join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

// Every file the manifest lists is there, and nothing else is left out of the tarball.
const listed = manifest.files.map((f) => f.replace(/\/$/, ''));
for (const file of listed) if (!existsSync(join(out, file))) fail(`package.json lists ${file}, which is missing`);
for (const file of readdirSync(out)) {
  if (!listed.includes(file) && !['package.json', 'README.md'].includes(file)) fail(`${file} is not in package.json's files`);
}

const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dist], { cwd: out, encoding: 'utf8' }));
const tarball = join(dist, info.filename);
console.log(`package: ${tarball}: ${statSync(tarball).size} bytes packed, ${info.unpackedSize} unpacked, ${info.entryCount} files`);
