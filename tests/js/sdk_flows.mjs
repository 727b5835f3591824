// The two Express flows of the request handler, as a user writes them with the AWS SDK for
// JavaScript v3: shared by the Node.js test (tests/js/sdk.mjs) and the browser test
// (tests/js/sdk_browser.mjs, bundled by esbuild). Each takes the SDK's client classes and commands,
// so the same code runs against whichever copy of the SDK the caller has.

export const REGION = 'us-east-1';
export const ROLE = 'arn:aws:iam::123456789012:role/StepFunctions-demo';
export const GROUP = '/aws/vendedlogs/states/demo';
export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export function assertEqual(actual, expected, what) {
  const [a, b] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== b) throw new Error(`${what}: expected ${b}, got ${a}`);
}

/** An Express machine that logs everything to GROUP. */
export async function createExpressMachine(sfn, sdk, name) {
  const definition = JSON.stringify({ StartAt: 'Sum', States: {
    Sum: { Type: 'Pass', Parameters: { 'sum.$': 'States.MathAdd($.a, $.b)' }, Next: 'Nap' },
    Nap: { Type: 'Wait', Seconds: 30, End: true } } });
  const out = await sfn.send(new sdk.CreateStateMachineCommand({
    name, definition, roleArn: ROLE, type: 'EXPRESS',
    loggingConfiguration: { level: 'ALL', includeExecutionData: true,
      destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: `arn:aws:logs:${REGION}:123456789012:log-group:${GROUP}:*` } }] },
  }));
  assert(out.creationDate instanceof Date, 'creationDate is a Date');
  return out.stateMachineArn;
}

/** StartSyncExecution returns the output. */
export async function syncFlow(sfn, sdk) {
  const stateMachineArn = await createExpressMachine(sfn, sdk, 'SyncDemo');
  const result = await sfn.send(new sdk.StartSyncExecutionCommand({ stateMachineArn, input: '{"a": 1, "b": 2}' }));
  assertEqual(result.status, 'SUCCEEDED', 'status');
  assertEqual(result.output, '{"sum":3}', 'output');
  assert(result.startDate instanceof Date && result.stopDate instanceof Date, 'dates are Dates');
  assertEqual(result.stopDate - result.startDate, 30000, 'the Wait took 30 s of virtual time');
  assertEqual(result.billingDetails, { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: 30000 }, 'billing');
  return result;
}

/** StartExecution, then FilterLogEvents until the end record, then the stream with GetLogEvents. */
export async function asyncFlow(sfn, logs, sdk, logsSdk) {
  const stateMachineArn = await createExpressMachine(sfn, sdk, 'AsyncDemo');
  const { executionArn } = await sfn.send(new sdk.StartExecutionCommand({ stateMachineArn, input: '{"a": 20, "b": 22}' }));
  assert(executionArn.includes(':express:AsyncDemo:'), `an Express execution ARN: ${executionArn}`);
  let end;
  for (let i = 0; i < 500 && !end; i++) {
    const { events } = await logs.send(new logsSdk.FilterLogEventsCommand({
      logGroupName: GROUP, filterPattern: '"ExecutionSucceeded"' }));
    end = events.map((e) => JSON.parse(e.message)).find((r) => r.execution_arn === executionArn);
    if (!end) await new Promise((r) => setTimeout(r, 5));
  }
  assert(end, 'the end record arrived');
  assertEqual(JSON.parse(end.details.output), { sum: 42 }, 'output in the end record');
  const { logStreams } = await logs.send(new logsSdk.DescribeLogStreamsCommand({ logGroupName: GROUP }));
  assert(logStreams.length >= 1 && logStreams.every((s) => s.logStreamName.startsWith('states/')), 'stream names');
  let stream;
  for (const s of logStreams) {
    const page = await logs.send(new logsSdk.GetLogEventsCommand({
      logGroupName: GROUP, logStreamName: s.logStreamName, startFromHead: true }));
    if (page.events.some((e) => JSON.parse(e.message).execution_arn === executionArn)) stream = page;
  }
  assert(stream, "the execution's stream");
  assertEqual(stream.events.map((e) => JSON.parse(e.message).type),
    ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'WaitStateEntered', 'WaitStateExited',
      'ExecutionSucceeded'], 'the stream holds the execution');
  return end;
}
