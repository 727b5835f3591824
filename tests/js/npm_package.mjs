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

await check('the installed package runs state machines: sync, async with a JS task handler, logs', async () => {
  if (!existsSync(join(app, 'node_modules', 'asl-sim'))) throw new Error('not installed (see above)');
  writeFileSync(join(app, 'run.mjs'), `
import { Simulator } from 'asl-sim';
const sim = new Simulator({ seed: 1 });
const logging = { level: 'ALL', includeExecutionData: true };
const { stateMachineArn } = sim.createStateMachine({
  name: 'Hello', type: 'EXPRESS', loggingConfiguration: logging,
  definition: JSON.stringify({ StartAt: 'Add', States: {
    Add: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:add', Next: 'Wait' },
    Wait: { Type: 'Wait', Seconds: 30, End: true } } }),
});
sim.registerTaskHandler('arn:aws:lambda:us-east-1:123456789012:function:add',
  async (input) => ({ sum: input.a + input.b }));
const sync = await sim.startSyncExecution({ stateMachineArn, input: '{"a": 1, "b": 2}' });
const done = new Promise((resolve) => {
  sim.startExecution({ stateMachineArn, input: '{"a": 20, "b": 22}' }, resolve);
});
const result = await done;
let error;
try { sim.createStateMachine({ name: 'Bad', definition: '{"StartAt": "X", "States": {}}' }); }
catch (e) { error = { isError: e instanceof Error, name: e.name, missing: e.diagnostics.some((d) => d.code === 'MISSING_TRANSITION_TARGET') }; }
const logs = sim.getLogEvents({ executionArn: result.executionArn });
// A callback task: the handler sends the token away, and it comes back later with sendTaskSuccess.
const { stateMachineArn: callbackArn } = sim.createStateMachine({
  name: 'Callback', definition: JSON.stringify({ StartAt: 'Ask', States: { Ask: { Type: 'Task',
    Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
    Parameters: { QueueUrl: 'q', MessageBody: { 'token.$': '$$.Task.Token' } }, End: true } } }),
});
sim.registerTaskHandler('arn:aws:states:::sqs:sendMessage.waitForTaskToken', (input, context) => {
  setTimeout(() => sim.sendTaskSuccess({ taskToken: context.taskToken, output: '{"approved": true}' }), 5);
  return { MessageId: 'm-1' };
});
const callback = await new Promise((resolve) => sim.startExecution({ stateMachineArn: callbackArn }, resolve));
let tokenError;
try { await sim.sendTaskSuccess({ taskToken: 'no-such-token', output: '{}' }); } catch (e) { tokenError = e.name; }
console.log(JSON.stringify({
  callback: { status: callback.status, output: callback.output, tokenError },
  sync: { status: sync.status, output: sync.output, isDate: sync.startDate instanceof Date,
          billed: sync.billingDetails.billedDurationInMilliseconds },
  async: { status: result.status, output: result.output },
  logTypes: logs.events.map((r) => r.type),
  error,
}));
`);
  const out = JSON.parse(run(process.execPath, ['run.mjs'], app));
  assertEqual(out.sync, { status: 'SUCCEEDED', output: '{"sum":3}', isDate: true, billed: 30000 }, 'sync result');
  assertEqual(out.async, { status: 'SUCCEEDED', output: '{"sum":42}' }, 'onDone result');
  assertEqual(out.logTypes, ['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted',
    'LambdaFunctionSucceeded', 'TaskStateExited', 'WaitStateEntered', 'WaitStateExited', 'ExecutionSucceeded'], 'log records');
  assertEqual(out.error, { isError: true, name: 'InvalidDefinition', missing: true }, 'error');
  assertEqual(out.callback, { status: 'SUCCEEDED', output: '{"approved":true}', tokenError: 'TaskDoesNotExist' }, 'task token');
});

await check("every `js` example of the README runs as written against the installed package", async () => {
  if (!existsSync(join(app, 'node_modules', 'asl-sim'))) throw new Error('not installed (see above)');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const examples = [...readme.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  if (examples.length < 3) throw new Error(`expected at least 3 js examples in README.md, found ${examples.length}`);
  examples.forEach((code, i) => {
    const file = join(app, `readme-${i + 1}.mjs`);
    writeFileSync(file, code);
    try {
      run('node', [file], app);
    } catch (e) {
      throw new Error(`README example ${i + 1} (starting "${code.split('\n')[0]}") failed: ${e.message}`);
    }
  });
});

await check('its public types have no `any`', async () => {
  const dts = readFileSync(join(app, 'node_modules', 'asl-sim', 'asl_sim.d.ts'), 'utf8');
  const code = dts.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const anys = code.split('\n').filter((line) => /\bany\b/.test(line));
  if (anys.length) throw new Error(`\`any\` in asl_sim.d.ts:\n${anys.join('\n')}`);
  for (const name of ['Simulator', 'SimulatorOptions', 'StartSyncExecutionOutput', 'LogRecord', 'TaskHandler', 'MockConfig',
    'SendTaskSuccessInput', 'SendTaskFailureInput', 'SendTaskHeartbeatInput', 'SendTaskOutput']) {
    if (!new RegExp(`export (class|interface|type) ${name}\\b`).test(dts)) throw new Error(`${name} is not declared`);
  }
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
  for (const name of ['jsonRoundTrip', 'version', 'Simulator']) {
    if (!observed?.defaultExports?.includes(name)) throw new Error(`${name} missing: ${observed?.defaultExports}`);
  }
  if (observed.defaultExports.includes('start')) throw new Error('start is exported');
});

await check('its TypeScript types check under tsc --strict', async () => {
  if (!existsSync(join(app, 'node_modules', 'asl-sim'))) throw new Error('not installed (see above)');
  writeFileSync(join(app, 'use.mts'), `
import { version, jsonRoundTrip, Simulator } from 'asl-sim';
import type { StartSyncExecutionOutput, ExecutionResult, LogRecord, TaskHandler, JsonValue, MockConfig, SimulatorError,
  ExecutionStatus, HistoryEvent, SendTaskOutput } from 'asl-sim';
const v: string = version();
const out: string = jsonRoundTrip('{}');
// @ts-expect-error: the input is JSON text, not a value
jsonRoundTrip({ a: 1 });

const sim = new Simulator({ clock: 'virtual', seed: 7, startDate: new Date(0), quotas: true });
// @ts-expect-error: only 'virtual' or 'real'
new Simulator({ clock: 'fast' });
const { stateMachineArn, creationDate } = sim.createStateMachine({
  name: 'M', type: 'EXPRESS', definition: '{}',
  loggingConfiguration: { level: 'ERROR', includeExecutionData: false,
    destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: 'arn:aws:logs:us-east-1:123456789012:log-group:g:*' } }] },
});
const created: Date = creationDate;
// @ts-expect-error: the definition is JSON text
sim.createStateMachine({ name: 'M', definition: { StartAt: 'A' } });
// @ts-expect-error: no such type
sim.createStateMachine({ name: 'M', definition: '{}', type: 'FAST' });
const handler: TaskHandler = async (input: JsonValue, context) => ({ input, state: context.stateName });
sim.registerTaskHandler('arn:aws:states:::lambda:invoke', handler);
sim.registerTaskHandler('arn:aws:states:::lambda:invoke', null);
const callback: TaskHandler = (input, context) => {
  const token: string | undefined = context.taskToken;
  if (token) void sim.sendTaskSuccess({ taskToken: token, output: JSON.stringify(input) });
  return { MessageId: 'm' };
};
sim.registerTaskHandler('arn:aws:states:::sqs:sendMessage.waitForTaskToken', callback);
async function tokens(): Promise<SendTaskOutput> {
  await sim.sendTaskFailure({ taskToken: 't', error: 'E', cause: 'C' });
  await sim.sendTaskFailure({ taskToken: 't' });
  await sim.sendTaskHeartbeat({ taskToken: 't' });
  // @ts-expect-error: the output is JSON text
  await sim.sendTaskSuccess({ taskToken: 't', output: { a: 1 } });
  // @ts-expect-error: the token is required
  await sim.sendTaskHeartbeat({});
  return sim.sendTaskSuccess({ taskToken: 't', output: '{}' });
}
const mocks: MockConfig = { StateMachines: { M: { TestCases: { T: { S: 'R' } } } },
  MockedResponses: { R: { '0': { Return: { ok: true } }, '1-2': { Throw: { Error: 'E', Cause: 'C' } } } } };
sim.setMockConfig(mocks);
sim.setMockConfig(JSON.stringify(mocks));
async function main(): Promise<void> {
  const r: StartSyncExecutionOutput = await sim.startSyncExecution({ stateMachineArn, input: '{}' }, { caller: 'console' });
  const status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' = r.status;
  const stop: Date = r.stopDate;
  const output: string | undefined = r.output;
  const billed: number = r.billingDetails.billedDurationInMilliseconds;
  // @ts-expect-error: the output is JSON text
  const n: number = r.output;
  try { await sim.startSyncExecution({ stateMachineArn }); } catch (e) {
    const err = e as SimulatorError;
    const codes: string[] | undefined = err.diagnostics?.map((d) => d.code);
    console.log(err.name, codes);
  }
  console.log(status, stop, output, billed, n);
}
const started = sim.startExecution({ stateMachineArn, name: 'x' }, (result: ExecutionResult) => {
  const billed: number | undefined = result.billingDetails?.billedDurationInMilliseconds;
  console.log(result.status, billed);
});
const start: Date = started.startDate;
const d = sim.describeExecution({ executionArn: started.executionArn });
const s: ExecutionStatus = d.status;
const h = sim.getExecutionHistory({ executionArn: started.executionArn, reverseOrder: true });
const first: HistoryEvent | undefined = h.events[0];
const when: Date | undefined = first?.timestamp;
const page = sim.getLogEvents({ executionArn: started.executionArn, nextToken: undefined, limit: 10 });
const records: LogRecord[] = page.events;
const token: string = page.nextForwardToken;
const all = sim.getLogEvents();
const unsubscribe: () => void = sim.subscribe((record: LogRecord, group: string) => console.log(record.type, group));
unsubscribe();
const stopped: Date = sim.stopExecution({ executionArn: started.executionArn, error: 'E', cause: 'C' }).stopDate;
const valid: 'OK' | 'FAIL' = sim.validateStateMachineDefinition({ definition: '{}', type: 'STANDARD' }).result;
console.log(v, out, created, start, s, when, records, token, all, stopped, valid, main, tokens);
`);
  run(process.execPath, [tsc, '--strict', '--noEmit', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--target', 'es2022', 'use.mts'], app);
});

await check('the web build (www/pkg) runs in Node.js through initSync', async () => {
  const web = await import(pathToFileURL(join(webPkg, 'asl_sim.js')).href);
  web.initSync({ module: readFileSync(join(webPkg, 'asl_sim_bg.wasm')) });
  assertEqual(web.jsonRoundTrip('[1, {"b": 2, "a": 1}]'), '[1,{"b":2,"a":1}]', 'jsonRoundTrip');
  assertEqual(web.version(), readJson(join(webPkg, 'package.json')).version, 'version()');
  const sim = new web.Simulator();
  const { stateMachineArn } = sim.createStateMachine({ name: 'Web', type: 'EXPRESS',
    definition: '{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": [1, 2], "End": true}}}' });
  const out = await sim.startSyncExecution({ stateMachineArn });
  assertEqual([out.status, out.output], ['SUCCEEDED', '[1,2]'], 'a sync run');
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
