// The package's types in a TypeScript project, checked with `tsc --strict` under node16 and
// nodenext resolution (an ES module and a CommonJS file) and under bundler resolution, with the
// declaration files that each resolution must pick.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { assertEqual, check, project, run, write } from './harness.mjs';

// Every call and shape of the API, with the mistakes the types must catch.
const API = `
import { version, jsonRoundTrip, Simulator } from 'asl-sim';
import type { StartSyncExecutionOutput, ExecutionResult, LogRecord, TaskHandler, JsonValue, MockConfig, SimulatorError,
  ExecutionStatus, HistoryEvent, SendTaskOutput, TestStateOutput } from 'asl-sim';
import { executionHistory, statesEntered, stateInput, stateOutput } from 'asl-sim/testing';
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
  await sim.sendTaskHeartbeat({ taskToken: 't' });
  // @ts-expect-error: the output is JSON text
  await sim.sendTaskSuccess({ taskToken: 't', output: { a: 1 } });
  return sim.sendTaskSuccess({ taskToken: 't', output: '{}' });
}
const mocks: MockConfig = { StateMachines: { M: { TestCases: { T: { S: 'R' } } } },
  MockedResponses: { R: { '0': { Return: { ok: true } }, '1-2': { Throw: { Error: 'E', Cause: 'C' } } } } };
sim.setMockConfig(mocks);
sim.setMockConfig(JSON.stringify(mocks));
async function main(): Promise<void> {
  const r: StartSyncExecutionOutput = await sim.startSyncExecution({ stateMachineArn, input: '{}' }, { caller: 'console' });
  const status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' = r.status;
  const billed: number = r.billingDetails.billedDurationInMilliseconds;
  // @ts-expect-error: the output is JSON text
  const n: number = r.output;
  try { await sim.startSyncExecution({ stateMachineArn }); } catch (e) {
    const err = e as SimulatorError;
    const codes: string[] | undefined = err.diagnostics?.map((d) => d.code);
    console.log(err.name, codes);
  }
  const events: HistoryEvent[] = executionHistory(sim, r.executionArn);
  const entered: string[] = statesEntered(sim, r.executionArn);
  const input: JsonValue = stateInput(sim, r.executionArn, 'S', -1);
  // @ts-expect-error: the occurrence is a number
  stateOutput(sim, r.executionArn, 'S', 'last');
  console.log(status, billed, n, events, entered, input);
}
const started = sim.startExecution({ stateMachineArn, name: 'x' }, (result: ExecutionResult) => {
  const billed: number | undefined = result.billingDetails?.billedDurationInMilliseconds;
  console.log(result.status, billed);
});
const s: ExecutionStatus = sim.describeExecution({ executionArn: started.executionArn }).status;
const when: Date | undefined = sim.getExecutionHistory({ executionArn: started.executionArn }).events[0]?.timestamp;
const records: LogRecord[] = sim.getLogEvents({ executionArn: started.executionArn, limit: 10 }).events;
const unsubscribe: () => void = sim.subscribe((record: LogRecord, group: string) => console.log(record.type, group));
const tested: TestStateOutput = sim.testState({ definition: '{"Type": "Pass", "End": true}', input: '{}' });
const valid: 'OK' | 'FAIL' = sim.validateStateMachineDefinition({ definition: '{}', type: 'STANDARD' }).result;
console.log(v, out, created, s, when, records, unsubscribe, tested, valid, main, tokens);
`;

// A CommonJS file: import compiles to require, which takes the package's "require" condition.
const CJS = `
import { Simulator, version } from 'asl-sim';
import { statesEntered } from 'asl-sim/testing';
const sim = new Simulator();
const names: string[] = statesEntered(sim, 'arn');
// @ts-expect-error: the definition is JSON text
sim.createStateMachine({ name: 'M', definition: {} });
export const used = [version(), names];
`;

// Bundler resolution also sees the web glue's own entry, with its init functions.
const WEB = `
import init, { initSync, Simulator as WebSimulator } from 'asl-sim/web';
import type { InitOutput } from 'asl-sim/web';
export async function start(url: URL): Promise<InitOutput> {
  const output = await init({ module_or_path: url });
  initSync({ module: new Uint8Array(0) });
  new WebSimulator({ seed: 1 });
  return output;
}
`;

export async function typeScriptChecks({ root, tarball, work }) {
  const dir = join(work, 'ts');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const typecheck = (args, files) => {
    const listed = run(process.execPath, [tsc, '--strict', '--noEmit', '--target', 'es2022', '--listFiles',
      ...args, ...files], dir);
    return listed.split('\n').filter((f) => f.includes('/node_modules/asl-sim/')).map((f) => f.replace(/.*\/asl-sim\//, '')).sort();
  };

  await check('the tarball installs offline into an empty TypeScript project', async () => {
    project(dir, tarball, { type: 'module' });
    write(dir, { 'esm.mts': API, 'cjs.cts': CJS, 'bundler.ts': `${API}\n${WEB}` });
  });

  await check('the declarations of the API and the helpers say no `any`', async () => {
    for (const file of ['asl_sim.d.cts', 'node.d.mts', 'browser.d.ts', 'testing.d.ts']) {
      const code = readFileSync(join(dir, 'node_modules/asl-sim', file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      const anys = code.split('\n').filter((line) => /\bany\b/.test(line));
      assertEqual(anys, [], `\`any\` in ${file}`);
    }
  });

  for (const resolution of ['node16', 'nodenext']) {
    await check(`tsc --strict, --module ${resolution}: an ES module (node.d.mts) and a CommonJS file (asl_sim.d.cts)`, async () => {
      const files = typecheck(['--module', resolution, '--moduleResolution', resolution], ['esm.mts', 'cjs.cts']);
      assertEqual(files, ['asl_sim.d.cts', 'node.d.mts', 'testing.d.cts', 'testing.d.ts'], 'declaration files used');
    });
  }

  await check('tsc --strict, --moduleResolution bundler: the browser entry (browser.d.ts) and asl-sim/web', async () => {
    const files = typecheck(['--module', 'esnext', '--moduleResolution', 'bundler', '--lib', 'es2022,dom'], ['bundler.ts']);
    assertEqual(files, ['asl_sim.d.ts', 'browser.d.ts', 'testing.d.ts'], 'declaration files used');
  });
}
