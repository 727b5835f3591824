// `npx asl-sim`, the package's command line: its help is the Rust command line's, a run and a
// validation print exactly what they must, and every case of cli-fixtures.mjs gives the same
// stdout, stderr and exit status as the Rust binary (target/debug/asl-sim, built from this tree).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { CASES, FILES } from './cli-fixtures.mjs';
import { assertEqual, capture, check, run, write } from './harness.mjs';

const HELLO_WORLD = '{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:StateMachine:' +
  'd6f596f9-b4a2-4ee2-a500-ed0eb61978cc","stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:StateMachine",' +
  '"name":"d6f596f9-b4a2-4ee2-a500-ed0eb61978cc","startDate":"2024-01-01T00:00:00.000Z","stopDate":"2024-01-01T00:00:30.000Z",' +
  '"status":"SUCCEEDED","input":"{\\"name\\":\\"World\\"}","inputDetails":{"included":true},' +
  '"output":"{\\"msg\\":\\"Hello, World!\\"}","outputDetails":{"included":true}}\n';

export async function cliChecks({ root, work }) {
  // The ES module project of node.mjs has the package installed; the fixtures go beside it.
  const dir = join(work, 'esm', 'cli');
  const bin = join(work, 'esm', 'node_modules', '.bin', 'asl-sim');
  const npx = (...args) => capture('npx', ['asl-sim', ...args], dir);
  // The Rust source's text (a string literal without escapes).
  const usage = readFileSync(join(root, 'src/bin/asl-sim.rs'), 'utf8').match(/^const USAGE: &str = "([^"\\]*)";/m)[1];
  let rust;

  await check('npx asl-sim --help, and --help on each command, print the Rust command line\'s usage', async () => {
    write(dir, FILES);
    for (const args of [['--help'], ['run', '--help'], ['validate', '--help'], ['test-state', '--help']]) {
      assertEqual(npx(...args), { status: 0, stdout: `${usage}\n`, stderr: '' }, `npx asl-sim ${args.join(' ')}`);
    }
  });

  await check('npx asl-sim run prints the StartSyncExecution-shaped result, ISO dates; exit 0', async () => {
    assertEqual(npx('run', 'hello.json', '--input-json', '{"name": "World"}'), { status: 0, stdout: HELLO_WORLD, stderr: '' }, 'run');
  });

  await check('npx asl-sim run: a failed execution exits 1; --history adds the events', async () => {
    const { status, stdout } = npx('run', 'fail.json', '--history');
    const out = JSON.parse(stdout);
    assertEqual([status, out.status, out.error], [1, 'FAILED', 'States.TaskFailed'], 'status and error');
    assertEqual(out.events.map((e) => e.type), ['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled',
      'LambdaFunctionStarted', 'LambdaFunctionFailed', 'ExecutionFailed'], 'history');
    assertEqual(out.events[0].timestamp, '2024-01-01T00:00:00.000Z', 'event timestamp');
  });

  await check('npx asl-sim validate prints ValidateStateMachineDefinition\'s answer; exit 0 for OK, 2 for FAIL', async () => {
    assertEqual(npx('validate', 'hello.json'), { status: 0, stdout: '{"result":"OK","diagnostics":[],"truncated":false}\n',
      stderr: '' }, 'OK');
    assertEqual(npx('validate', 'bad.json'), { status: 2, stdout: '{"result":"FAIL","diagnostics":[{"severity":"ERROR",' +
      '"code":"MISSING_TRANSITION_TARGET","message":"Missing \'Next\' target: Nowhere","location":"/States/A/Next"},' +
      '{"severity":"ERROR","code":"MISSING_END_STATE","message":"Workflow has no terminal state"}],"truncated":false}\n',
    stderr: '' }, 'FAIL');
  });

  await check('npx asl-sim serve says that serve is the Rust command line\'s; exit 2', async () => {
    assertEqual(npx('serve'), { status: 2, stdout: '',
      stderr: 'asl-sim: serve is in the Rust command line only; this one has run, validate and test-state\n' }, 'serve');
  });

  await check('the Rust binary to compare with is built from this tree (cargo build --bin asl-sim)', async () => {
    run('cargo', ['build', '--quiet', '--bin', 'asl-sim'], root);
    rust = join(root, 'target', 'debug', 'asl-sim');
    if (!existsSync(rust)) throw new Error(`no ${rust}`);
  });

  for (const args of CASES) {
    await check(`asl-sim ${args.map((a) => (/[\s{"]/.test(a) ? `'${a}'` : a)).join(' ')}: as the Rust binary`, async () => {
      const [js, native] = [capture(bin, args, dir), capture(rust, args, dir)];
      assertEqual(js, native, 'npm command line vs Rust');
    });
  }
}
