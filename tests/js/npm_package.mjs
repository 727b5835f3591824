// Tests the npm package as users get it: the tarball that `make package` writes
// (dist/asl-sim-<version>.tgz), installed offline into empty folders and used from a Node ES
// module and a CommonJS script, `asl-sim/lite` (the build without JSONata), TypeScript (node16,
// nodenext, bundler), an esbuild bundle and a page without a bundler in Chromium, `npx asl-sim`,
// and the README's node:test and Vitest suites.
// Prints one line per check, then `N passed, M failed`.
//   node tests/js/npm_package.mjs          KEEP=1 keeps the temporary folder
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { browserChecks } from './package/browser.mjs';
import { cliChecks } from './package/cli.mjs';
import { check, summary } from './package/harness.mjs';
import { liteChecks } from './package/lite.mjs';
import { nodeChecks } from './package/node.mjs';
import { runnerChecks } from './package/runners.mjs';
import { tarballChecks } from './package/tarball.mjs';
import { typeScriptChecks } from './package/typescript.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = mkdtempSync(join(tmpdir(), 'asl-sim-npm-'));
const dist = join(root, 'dist');
const tarballs = existsSync(dist) ? readdirSync(dist).filter((f) => /^asl-sim-.*\.tgz$/.test(f)) : [];
console.log(`node ${process.version}, temporary folder ${work}`);

if (tarballs.length !== 1) {
  await check('make package wrote one tarball into dist/', () => { throw new Error(`dist/ has ${tarballs.join(', ') || 'none'}`); });
} else {
  const context = { root, work, tarball: join(dist, tarballs[0]) };
  await tarballChecks(context);
  await nodeChecks(context);
  await liteChecks(context);
  await typeScriptChecks(context);
  await browserChecks(context);
  await cliChecks(context);
  await runnerChecks(context);
}

if (!process.env.KEEP) rmSync(work, { recursive: true, force: true });
process.exit(summary() ? 1 : 0);
