// The installed package in Node.js: an ES module and a CommonJS script, one instance for both,
// every README example, and the web glue (`asl-sim/web`) through initSync.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { assertEqual, check, project, readJson, run, write } from './harness.mjs';

const NAMES = ['RequestHandler', 'Simulator', 'jsonRoundTrip', 'version'];

// A Standard machine whose day-long Wait takes no time, a task answered by a handler, a log.
const RUN_ESM = `
import { createRequire } from 'node:module';
import * as asl from 'asl-sim';
import { Simulator, jsonRoundTrip, version } from 'asl-sim';
import { statesEntered, stateInput } from 'asl-sim/testing';
const required = createRequire(import.meta.url)('asl-sim');
const sim = new Simulator({ seed: 1, startDate: new Date('2024-05-01T00:00:00Z') });
const { stateMachineArn } = sim.createStateMachine({ name: 'Day', loggingConfiguration: { level: 'ALL' },
  definition: JSON.stringify({ StartAt: 'Add', States: {
    Add: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:add', Next: 'Sleep' },
    Sleep: { Type: 'Wait', Seconds: 86400, End: true } } }) });
sim.registerTaskHandler('arn:aws:lambda:us-east-1:123456789012:function:add', async ({ a, b }) => ({ sum: a + b }));
const result = await new Promise((resolve) => sim.startExecution({ stateMachineArn, input: '{"a": 1, "b": 2}' }, resolve));
let error;
try { sim.createStateMachine({ name: 'Bad', definition: '{"StartAt": "X", "States": {}}' }); }
catch (e) { error = [e instanceof Error, e.name, e.diagnostics.map((d) => d.code)]; }
let jsonError;
try { jsonRoundTrip('{"a": }'); } catch (e) { jsonError = [e.name, e.message]; }
console.log(JSON.stringify({
  names: Object.keys(asl).sort(), sameInstance: required.Simulator === Simulator, version: version(),
  status: result.status, output: result.output, start: result.startDate.toISOString(), stop: result.stopDate.toISOString(),
  entered: statesEntered(sim, result.executionArn), sleepInput: stateInput(sim, result.executionArn, 'Sleep'),
  logs: sim.getLogEvents({ executionArn: result.executionArn }).events.length,
  roundTrip: jsonRoundTrip('{"z": 1, "a": {"2": "two", "1": "one"}, "big": 12345678901234567890}'),
  error, jsonError,
}));
`;

const RUN_CJS = `
'use strict';
const asl = require('asl-sim');
const { Simulator } = require('asl-sim');
const { statesEntered } = require('asl-sim/testing');
const sim = new Simulator({ startDate: 0 });
const { stateMachineArn } = sim.createStateMachine({ name: 'Cjs', type: 'EXPRESS',
  definition: JSON.stringify({ StartAt: 'Pick', States: {
    Pick: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 1, Next: 'Big' }], Default: 'Small' },
    Big: { Type: 'Wait', Seconds: 60, Next: 'Small' },
    Small: { Type: 'Pass', Parameters: { 'twice.$': 'States.MathAdd($.n, $.n)' }, End: true } } }) });
sim.startSyncExecution({ stateMachineArn, input: '{"n": 21}' }).then((r) => {
  console.log(JSON.stringify({ names: Object.keys(asl).sort(), status: r.status, output: r.output,
    billed: r.billingDetails.billedDurationInMilliseconds, entered: statesEntered(sim, r.executionArn) }));
});
`;

// A loop of 400 turns: 1606 history events, more than a page of getExecutionHistory.
const HELPERS = `
import { Simulator } from 'asl-sim';
import { executionHistory, stateInput, stateOutput, statesEntered } from 'asl-sim/testing';
const sim = new Simulator();
const { stateMachineArn } = sim.createStateMachine({ name: 'Loop', type: 'EXPRESS',
  definition: JSON.stringify({ StartAt: 'Check', States: {
    Check: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: 400, Next: 'Inc' }], Default: 'Done' },
    Inc: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'Check' },
    Done: { Type: 'Succeed' } } }) });
const { executionArn } = await sim.startSyncExecution({ stateMachineArn, input: '{"n": 0}' });
const events = executionHistory(sim, executionArn);
let missing;
try { stateInput(sim, executionArn, 'Inc', 400); } catch (e) { missing = e.message; }
console.log(JSON.stringify({ events: events.length, ids: events.every((e, i) => e.id === i + 1),
  entered: statesEntered(sim, executionArn).length, first: stateInput(sim, executionArn, 'Inc'),
  last: stateInput(sim, executionArn, 'Inc', -1), lastOutput: stateOutput(sim, executionArn, 'Inc', -1), missing }));
`;

export async function nodeChecks({ root, tarball, work }) {
  const esm = join(work, 'esm');
  const cjs = join(work, 'cjs');

  await check('the tarball installs offline into an empty ES module project and an empty CommonJS one', async () => {
    project(esm, tarball, { type: 'module' });
    project(cjs, tarball);
  });

  await check("a Node ES module: `import { Simulator } from 'asl-sim'` runs machines with no init; require is the same module", async () => {
    write(esm, { 'run.mjs': RUN_ESM });
    const out = JSON.parse(run(process.execPath, ['run.mjs'], esm));
    assertEqual(out, {
      names: NAMES, sameInstance: true, version: readJson(join(esm, 'node_modules/asl-sim/package.json')).version,
      status: 'SUCCEEDED', output: '{"sum":3}', start: '2024-05-01T00:00:00.000Z', stop: '2024-05-02T00:00:00.000Z',
      entered: ['Add', 'Sleep'], sleepInput: { sum: 3 }, logs: 9,
      roundTrip: '{"z":1,"a":{"2":"two","1":"one"},"big":12345678901234567890}',
      error: [true, 'InvalidDefinition', ['SCHEMA_VALIDATION_FAILED', 'MISSING_TRANSITION_TARGET', 'MISSING_END_STATE']],
      jsonError: ['InvalidExecutionInput', 'expected value at line 1 column 7'],
    }, 'observed');
  });

  await check("a Node CommonJS script: `require('asl-sim')` and `require('asl-sim/testing')`", async () => {
    write(cjs, { 'run.js': RUN_CJS });
    const out = JSON.parse(run(process.execPath, ['run.js'], cjs));
    assertEqual(out, { names: NAMES, status: 'SUCCEEDED', output: '{"twice":42}', billed: 60000, entered: ['Pick', 'Big', 'Small'] },
      'observed');
  });

  await check('asl-sim/testing: histories longer than a page, occurrences, and the error for a missing one', async () => {
    write(esm, { 'helpers.mjs': HELPERS });
    assertEqual(JSON.parse(run(process.execPath, ['helpers.mjs'], esm)), {
      events: 1606, ids: true, entered: 802, first: { n: 0 }, last: { n: 399 }, lastOutput: { n: 400 },
      missing: 'state "Inc" entered 400 time(s), so it has no occurrence 400; states entered: ' +
        [...Array(400).fill('Check, Inc'), 'Check, Done'].join(', '),
    }, 'observed');
  });

  await check('loading the package in Node takes no await and little time (reported)', async () => {
    const code = "const t = performance.now(); const { Simulator } = await import('asl-sim'); new Simulator(); " +
      'console.log(Math.round(performance.now() - t));';
    const ms = Number(run(process.execPath, ['--input-type=module', '-e', code], esm));
    console.log(`     import asl-sim and new Simulator(): ${ms} ms`);
    if (!(ms < 5000)) throw new Error(`${ms} ms`);
  });

  await check('every js example of README.md and npm/README.md runs as written against the installed package', async () => {
    const examples = ['README.md', 'npm/README.md'].flatMap((file) => scripts(readFileSync(join(root, file), 'utf8'))
      .map((code, i) => ({ file, i, code })));
    if (examples.length < 6) throw new Error(`expected at least 6 examples, found ${examples.length}`);
    for (const { file, i, code } of examples) {
      const name = `example-${file.replace(/\W/g, '-')}-${i + 1}.${code.includes("require('asl-sim')") ? 'cjs' : 'mjs'}`;
      write(esm, { [name]: code });
      try {
        run(process.execPath, [name], esm);
      } catch (e) {
        throw new Error(`${file} example ${i + 1} (starting "${code.split('\n')[0]}"): ${e.message}`);
      }
    }
  });

  await check("`asl-sim/web` (the web glue) initialises in Node with initSync and the package's .wasm", async () => {
    write(esm, { 'web.mjs': `
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initSync, Simulator, version } from 'asl-sim/web';
const wasm = createRequire(import.meta.url).resolve('asl-sim/asl_sim_bg.wasm');
initSync({ module: readFileSync(wasm) });
const sim = new Simulator();
const { stateMachineArn } = sim.createStateMachine({ name: 'Web', type: 'EXPRESS',
  definition: '{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": [1, 2], "End": true}}}' });
const out = await sim.startSyncExecution({ stateMachineArn });
console.log(JSON.stringify([version(), out.status, out.output]));
` });
    const version = readJson(join(esm, 'node_modules/asl-sim/package.json')).version;
    assertEqual(JSON.parse(run(process.execPath, ['web.mjs'], esm)), [version, 'SUCCEEDED', '[1,2]'], 'web glue');
  });
}

/** The README's `js` blocks that are whole programs (the test-runner examples run elsewhere). */
export function scripts(readme) {
  return codeBlocks(readme, 'js').filter((code) => !/from '(node:test|vitest)'/.test(code));
}

/** The code of every block of this language. */
export function codeBlocks(readme, language) {
  return [...readme.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1]);
}

