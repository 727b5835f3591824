// The README's testing pattern, as written, in the two test runners it documents: Node's
// (`node --test`) and Vitest, against the installed package.
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

import { assertEqual, check, run, write } from './harness.mjs';
import { codeBlocks } from './node.mjs';

export async function runnerChecks({ root, work }) {
  const dir = join(work, 'esm');
  const readme = readFileSync(join(root, 'npm', 'README.md'), 'utf8');
  const blocks = codeBlocks(readme, 'js');
  const [nodeTest] = blocks.filter((code) => code.includes("from 'node:test'"));
  const [vitest] = blocks.filter((code) => code.includes("from 'vitest'"));
  const tests = (code) => code.match(/^(?:test|it)\(/gm)?.length ?? 0;

  await check("the README's node:test suite passes under `node --test`", async () => {
    if (!nodeTest) throw new Error("no js example imports 'node:test'");
    write(dir, { 'node-test/order.test.mjs': nodeTest });
    const tap = run(process.execPath, ['--test', '--test-reporter=tap', 'node-test/'], dir);
    const count = (name) => Number(tap.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1]);
    assertEqual({ pass: count('pass'), fail: count('fail') }, { pass: tests(nodeTest), fail: 0 }, 'node --test');
    console.log(`     node --test: ${count('pass')} tests passed`);
  });

  await check("the README's Vitest suite passes under `vitest run`", async () => {
    if (!vitest) throw new Error("no js example imports 'vitest'");
    write(dir, { 'vitest/order.test.js': vitest });
    // The project's own dev dependency, as `npm install -D vitest` would give it (offline here).
    symlinkSync(join(root, 'node_modules', 'vitest'), join(dir, 'node_modules', 'vitest'), 'dir');
    run(join(root, 'node_modules', '.bin', 'vitest'), ['run', '--root', 'vitest', '--reporter=json',
      '--outputFile=../vitest.json'], dir, { CI: '1' });
    const report = JSON.parse(readFileSync(join(dir, 'vitest.json'), 'utf8'));
    assertEqual({ passed: report.numPassedTests, failed: report.numFailedTests }, { passed: tests(vitest), failed: 0 }, 'vitest');
    console.log(`     vitest run: ${report.numPassedTests} tests passed`);
  });
}
