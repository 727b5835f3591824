// The tarball itself: its size, its files, its manifest (exports map, types, bin, no dependency)
// and its README, a user's guide.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { assertEqual, check, readJson, run } from './harness.mjs';

// A ceiling, so that a build that suddenly grows shows; the test prints the real size.
const MAX_PACKED_BYTES = 3_000_000;

const FILES = ['README.md', 'asl_sim.cjs', 'asl_sim.d.cts', 'asl_sim.d.ts', 'asl_sim.js', 'asl_sim_bg.wasm', 'asl_sim_node_bg.wasm',
  'bin/asl-sim.mjs', 'browser.d.ts', 'browser.js', 'cli/check.mjs', 'cli/files.mjs', 'cli/main.mjs', 'cli/options.mjs',
  'cli/run.mjs', 'cli/usage.mjs', 'lite/asl_sim.d.ts', 'lite/asl_sim.js', 'lite/asl_sim_bg.wasm', 'lite/browser.js',
  'lite/index.d.ts', 'lite/node.mjs', 'node.d.mts', 'node.mjs', 'package.json', 'testing.cjs', 'testing.d.cts',
  'testing.d.ts', 'testing.js'];

const EXPORTS = {
  '.': {
    node: {
      import: { types: './node.d.mts', default: './node.mjs' },
      require: { types: './asl_sim.d.cts', default: './asl_sim.cjs' },
    },
    browser: { types: './browser.d.ts', default: './browser.js' },
    import: { types: './browser.d.ts', default: './browser.js' },
  },
  './testing': {
    import: { types: './testing.d.ts', default: './testing.js' },
    require: { types: './testing.d.cts', default: './testing.cjs' },
  },
  './lite': { types: './lite/index.d.ts', node: './lite/node.mjs', default: './lite/browser.js' },
  './web': { types: './asl_sim.d.ts', default: './asl_sim.js' },
  './asl_sim_bg.wasm': './asl_sim_bg.wasm',
  './package.json': './package.json',
};

export async function tarballChecks({ root, tarball, work }) {
  const cargoVersion = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^version = "(.+)"$/m)[1];
  let manifest;
  let readme;

  await check(`the tarball is dist/asl-sim-${cargoVersion}.tgz and its size is reported`, async () => {
    assertEqual(tarball.endsWith(`dist/asl-sim-${cargoVersion}.tgz`), true, `tarball name (${tarball})`);
    const size = statSync(tarball).size;
    const wasm = statSync(join(root, 'dist', 'package', 'asl_sim_bg.wasm')).size;
    const lite = statSync(join(root, 'dist', 'package', 'lite', 'asl_sim_bg.wasm')).size;
    const node = statSync(join(root, 'dist', 'package', 'asl_sim_node_bg.wasm')).size;
    console.log(`     tarball: ${size} bytes packed (${(size / 1024).toFixed(0)} KiB); asl_sim_bg.wasm ${wasm} bytes unpacked, ` +
      `asl_sim_node_bg.wasm ${node}, lite/asl_sim_bg.wasm ${lite}`);
    if (size > MAX_PACKED_BYTES) throw new Error(`${size} bytes packed, more than ${MAX_PACKED_BYTES}`);
  });

  await check('the tarball holds exactly the package files: the .wasm of browsers and of Node, and the lite build in lite/', async () => {
    const listing = run('tar', ['tzf', tarball], work).trim().split('\n').map((f) => f.replace(/^package\//, '')).sort();
    assertEqual(listing, FILES, 'files');
    manifest = JSON.parse(run('tar', ['xzOf', tarball, 'package/package.json'], work));
    readme = run('tar', ['xzOf', tarball, 'package/README.md'], work);
  });

  await check('its manifest: exports per condition with types, bin, sideEffects, engines, license, no dependency', async () => {
    assertEqual(manifest.name, 'asl-sim', 'name');
    assertEqual(manifest.version, cargoVersion, 'version (Cargo.toml)');
    assertEqual(manifest.license, 'MIT OR Apache-2.0', 'license');
    assertEqual(manifest.type, 'module', 'type');
    assertEqual(manifest.exports, EXPORTS, 'exports');
    assertEqual([manifest.main, manifest.types], ['./asl_sim.cjs', './asl_sim.d.cts'], 'main and types (TypeScript node10)');
    assertEqual(manifest.bin, { 'asl-sim': 'bin/asl-sim.mjs' }, 'bin');
    assertEqual(manifest.sideEffects, ['./browser.js', './node.mjs', './asl_sim.cjs', './lite/browser.js', './lite/node.mjs'],
      'sideEffects');
    assertEqual(manifest.engines, { node: '>=20' }, 'engines');
    for (const key of ['dependencies', 'peerDependencies', 'optionalDependencies', 'scripts', 'repository', 'homepage']) {
      assertEqual(manifest[key], undefined, key);
    }
    assertEqual(JSON.stringify(manifest).includes('example.invalid'), false, 'a placeholder address');
    assertEqual(readJson(join(root, 'npm', 'package.json')).exports, EXPORTS, 'npm/package.json exports');
  });

  await check("its README is a user's guide: install, examples, API, CLI, testing; no contributor steps", async () => {
    assertEqual(readme, readFileSync(join(root, 'npm', 'README.md'), 'utf8'), 'README.md is npm/README.md');
    for (const heading of ['# asl-sim', '## Install', '## Run a state machine', '## Where it runs', '## Testing state machines',
      '## API', '## Command line']) {
      if (!readme.split('\n').includes(heading)) throw new Error(`no "${heading}" line`);
    }
    for (const word of ['make test', 'make play', 'wasm-pack', 'cargo']) {
      if (readme.includes(word)) throw new Error(`mentions "${word}"`);
    }
  });
}
