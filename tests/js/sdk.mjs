// The AWS SDK for JavaScript v3 (`@aws-sdk/client-sfn`, `@aws-sdk/client-cloudwatch-logs`, development
// dependencies) against the simulator through `sim.requestHandler()`, in Node.js with no network:
// the two Express flows end to end, every Step Functions operation and the CloudWatch Logs reads at
// least once, and each error class caught as the SDK's exception. Needs the nodejs build (pkg/node).
// Prints one line per check, then `N passed, M failed`.
//   node tests/js/sdk.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as sdk from '@aws-sdk/client-sfn';
import * as logsSdk from '@aws-sdk/client-cloudwatch-logs';
import { asyncFlow, assert, assertEqual, credentials, GROUP, REGION, ROLE, syncFlow } from './sdk_flows.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { Simulator } = createRequire(import.meta.url)(join(root, 'pkg', 'node', 'asl_sim.js'));

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

const watchdog = setTimeout(() => {
  console.error('sdk.mjs: gave up after 120 s');
  console.log(`${results.filter(([, e]) => !e).length} passed, ${results.filter(([, e]) => e).length + 1} failed`);
  process.exit(1);
}, 120_000);

function clients(sim) {
  const requestHandler = sim.requestHandler();
  const config = { region: REGION, credentials, requestHandler, maxAttempts: 1 };
  return { sfn: new sdk.SFNClient(config), logs: new logsSdk.CloudWatchLogsClient(config) };
}

/** The SDK exception a call throws (its class is checked by the caller). */
async function rejects(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('the call did not fail');
}

async function expectError(promise, Class, text) {
  const e = await rejects(promise);
  assert(e instanceof Class, `expected ${Class.name}, got ${e.name}: ${e.message}`);
  assertEqual(e.$fault, 'client', `${Class.name} is a client fault`);
  if (text) assert(e.message.includes(text), `${Class.name} message: ${e.message}`);
  return e;
}

const pass = (result = { ok: 1 }) => JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: result, End: true } } });

await check('StartSyncExecutionCommand returns the output (Express, with logging)', async () => {
  const { sfn } = clients(new Simulator());
  await syncFlow(sfn, sdk);
});

await check('StartExecutionCommand, then FilterLogEvents/GetLogEvents until the end record', async () => {
  const { sfn, logs } = clients(new Simulator());
  await asyncFlow(sfn, logs, sdk, logsSdk);
});

await check('state machines: create, describe, update, list, validate, test state, delete', async () => {
  const { sfn } = clients(new Simulator());
  const { stateMachineArn } = await sfn.send(new sdk.CreateStateMachineCommand({ name: 'M', definition: pass(), roleArn: ROLE,
    tags: [{ key: 'team', value: 'a' }] }));
  const d = await sfn.send(new sdk.DescribeStateMachineCommand({ stateMachineArn }));
  assertEqual([d.name, d.type, d.status, d.definition], ['M', 'STANDARD', 'ACTIVE', pass()], 'described');
  const u = await sfn.send(new sdk.UpdateStateMachineCommand({ stateMachineArn, definition: pass({ ok: 2 }) }));
  assert(u.updateDate instanceof Date && typeof u.revisionId === 'string', 'updated');
  const list = await sfn.send(new sdk.ListStateMachinesCommand({}));
  assertEqual(list.stateMachines.map((m) => m.name), ['M'], 'listed');
  const v = await sfn.send(new sdk.ValidateStateMachineDefinitionCommand({ definition: '{"StartAt": "X", "States": {}}' }));
  assertEqual(v.result, 'FAIL', 'validate');
  const t = await sfn.send(new sdk.TestStateCommand({ definition: JSON.stringify({ Type: 'Pass', Result: 5, End: true }),
    roleArn: ROLE }));
  assertEqual([t.status, t.output], ['SUCCEEDED', '5'], 'test state');
  await sfn.send(new sdk.TagResourceCommand({ resourceArn: stateMachineArn, tags: [{ key: 'env', value: 'dev' }] }));
  await sfn.send(new sdk.UntagResourceCommand({ resourceArn: stateMachineArn, tagKeys: ['team'] }));
  const tags = await sfn.send(new sdk.ListTagsForResourceCommand({ resourceArn: stateMachineArn }));
  assertEqual(tags.tags, [{ key: 'env', value: 'dev' }], 'tags');
  await sfn.send(new sdk.DeleteStateMachineCommand({ stateMachineArn }));
  assertEqual((await sfn.send(new sdk.ListStateMachinesCommand({}))).stateMachines, [], 'deleted');
});

await check('versions and aliases: publish, list, alias create/describe/update/list/delete, version delete', async () => {
  const { sfn } = clients(new Simulator());
  const created = await sfn.send(new sdk.CreateStateMachineCommand({ name: 'V', definition: pass(), roleArn: ROLE, publish: true }));
  const v1 = created.stateMachineVersionArn;
  await sfn.send(new sdk.UpdateStateMachineCommand({ stateMachineArn: created.stateMachineArn, definition: pass({ ok: 2 }) }));
  const { stateMachineVersionArn: v2 } = await sfn.send(new sdk.PublishStateMachineVersionCommand({
    stateMachineArn: created.stateMachineArn, description: 'second' }));
  const versions = await sfn.send(new sdk.ListStateMachineVersionsCommand({ stateMachineArn: created.stateMachineArn }));
  assertEqual(versions.stateMachineVersions.map((x) => x.stateMachineVersionArn), [v2, v1], 'newest first');
  const { stateMachineAliasArn } = await sfn.send(new sdk.CreateStateMachineAliasCommand({ name: 'live',
    routingConfiguration: [{ stateMachineVersionArn: v1, weight: 100 }] }));
  await sfn.send(new sdk.UpdateStateMachineAliasCommand({ stateMachineAliasArn,
    routingConfiguration: [{ stateMachineVersionArn: v2, weight: 100 }] }));
  const alias = await sfn.send(new sdk.DescribeStateMachineAliasCommand({ stateMachineAliasArn }));
  assertEqual(alias.routingConfiguration, [{ stateMachineVersionArn: v2, weight: 100 }], 'alias routing');
  const { executionArn } = await sfn.send(new sdk.StartExecutionCommand({ stateMachineArn: stateMachineAliasArn }));
  let e;
  do e = await sfn.send(new sdk.DescribeExecutionCommand({ executionArn })); while (e.status === 'RUNNING');
  assertEqual([e.output, e.stateMachineVersionArn, e.stateMachineAliasArn], ['{"ok":2}', v2, stateMachineAliasArn], 'ran v2');
  const forExec = await sfn.send(new sdk.DescribeStateMachineForExecutionCommand({ executionArn }));
  assertEqual(forExec.definition, pass({ ok: 2 }), 'the definition it ran');
  const aliases = await sfn.send(new sdk.ListStateMachineAliasesCommand({ stateMachineArn: created.stateMachineArn }));
  assertEqual(aliases.stateMachineAliases.length, 1, 'one alias');
  await sfn.send(new sdk.DeleteStateMachineAliasCommand({ stateMachineAliasArn }));
  await sfn.send(new sdk.DeleteStateMachineVersionCommand({ stateMachineVersionArn: v1 }));
});

await check('executions: list with a status filter, history paged both ways, stop, redrive', async () => {
  const sim = new Simulator();
  const { sfn } = clients(sim);
  const failOnce = JSON.stringify({ StartAt: 'Call', States: { Call: { Type: 'Task',
    Resource: 'arn:aws:lambda:us-east-1:123456789012:function:flaky', End: true } } });
  let calls = 0;
  sim.registerTaskHandler('arn:aws:lambda:us-east-1:123456789012:function:flaky', () => {
    calls += 1;
    if (calls === 1) throw { error: 'Flaky', cause: 'first call' };
    return { calls };
  });
  const { stateMachineArn } = await sfn.send(new sdk.CreateStateMachineCommand({ name: 'E', definition: failOnce, roleArn: ROLE }));
  const { executionArn } = await sfn.send(new sdk.StartExecutionCommand({ stateMachineArn, name: 'first' }));
  const waitEnd = async () => {
    for (;;) {
      const d = await sfn.send(new sdk.DescribeExecutionCommand({ executionArn }));
      if (d.status !== 'RUNNING') return d;
      await new Promise((r) => setTimeout(r, 1));
    }
  };
  assertEqual((await waitEnd()).status, 'FAILED', 'first run');
  const failed = await sfn.send(new sdk.ListExecutionsCommand({ stateMachineArn, statusFilter: 'FAILED' }));
  assertEqual(failed.executions.map((x) => x.name), ['first'], 'status filter');
  const r = await sfn.send(new sdk.RedriveExecutionCommand({ executionArn }));
  assert(r.redriveDate instanceof Date, 'redriveDate');
  const done = await waitEnd();
  assertEqual([done.status, done.redriveCount, done.output], ['SUCCEEDED', 1, '{"calls":2}'], 'redriven');
  const page1 = await sfn.send(new sdk.GetExecutionHistoryCommand({ executionArn, maxResults: 3 }));
  const page2 = await sfn.send(new sdk.GetExecutionHistoryCommand({ executionArn, maxResults: 3, nextToken: page1.nextToken }));
  assertEqual(page2.events[0].id, 4, 'second page');
  assert(page1.events[0].timestamp instanceof Date, 'event timestamps are Dates');
  const newest = await sfn.send(new sdk.GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }));
  assertEqual(newest.events[0].type, 'ExecutionSucceeded', 'reverse order');
  assert(newest.events.length === 1 && newest.nextToken, 'paged');
  const wait = JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
    Parameters: { QueueUrl: 'q', MessageBody: { 't.$': '$$.Task.Token' } }, End: true } } });
  const w = await sfn.send(new sdk.CreateStateMachineCommand({ name: 'Stop', definition: wait, roleArn: ROLE }));
  const run = await sfn.send(new sdk.StartExecutionCommand({ stateMachineArn: w.stateMachineArn }));
  const stopped = await sfn.send(new sdk.StopExecutionCommand({ executionArn: run.executionArn, error: 'Halt', cause: 'test' }));
  assert(stopped.stopDate instanceof Date, 'stopDate');
  const s = await sfn.send(new sdk.DescribeExecutionCommand({ executionArn: run.executionArn }));
  assertEqual([s.status, s.error, s.redriveStatus], ['ABORTED', 'Halt', 'REDRIVABLE'], 'stopped');
});

await check('task tokens: SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat', async () => {
  const sim = new Simulator();
  const { sfn } = clients(sim);
  const tokens = [];
  sim.registerTaskHandler('arn:aws:states:::sqs:sendMessage.waitForTaskToken', (input, context) => { tokens.push(context.taskToken); return {}; });
  const def = JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
    Parameters: { QueueUrl: 'q', MessageBody: { 't.$': '$$.Task.Token' } }, End: true } } });
  const { stateMachineArn } = await sfn.send(new sdk.CreateStateMachineCommand({ name: 'T', definition: def, roleArn: ROLE }));
  const a = await sfn.send(new sdk.StartExecutionCommand({ stateMachineArn, name: 'a' }));
  const b = await sfn.send(new sdk.StartExecutionCommand({ stateMachineArn, name: 'b' }));
  while (tokens.length < 2) await new Promise((r) => setTimeout(r, 1));
  await sfn.send(new sdk.SendTaskHeartbeatCommand({ taskToken: tokens[0] }));
  await sfn.send(new sdk.SendTaskSuccessCommand({ taskToken: tokens[0], output: '{"approved": true}' }));
  await sfn.send(new sdk.SendTaskFailureCommand({ taskToken: tokens[1], error: 'No', cause: 'rejected' }));
  for (const [e, status] of [[a, 'SUCCEEDED'], [b, 'FAILED']]) {
    let d;
    do d = await sfn.send(new sdk.DescribeExecutionCommand({ executionArn: e.executionArn })); while (d.status === 'RUNNING');
    assertEqual(d.status, status, e.executionArn);
  }
  await expectError(sfn.send(new sdk.SendTaskSuccessCommand({ taskToken: tokens[0], output: '{}' })), sdk.TaskTimedOut);
  await expectError(sfn.send(new sdk.SendTaskSuccessCommand({ taskToken: 'nope', output: '{}' })), sdk.InvalidToken);
  await expectError(sfn.send(new sdk.SendTaskSuccessCommand({ taskToken: 'f'.repeat(64), output: '{}' })), sdk.TaskDoesNotExist);
});

await check('activities: a worker polls GetActivityTask and answers with the token', async () => {
  const { sfn } = clients(new Simulator());
  const { activityArn } = await sfn.send(new sdk.CreateActivityCommand({ name: 'work' }));
  assertEqual((await sfn.send(new sdk.DescribeActivityCommand({ activityArn }))).name, 'work', 'described');
  assertEqual((await sfn.send(new sdk.ListActivitiesCommand({}))).activities.length, 1, 'listed');
  const def = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Resource: activityArn, End: true } } });
  const { stateMachineArn } = await sfn.send(new sdk.CreateStateMachineCommand({ name: 'Act', definition: def, roleArn: ROLE }));
  // The worker's poll waits (it would for up to 60 s) until the execution schedules the task.
  const poll = sfn.send(new sdk.GetActivityTaskCommand({ activityArn, workerName: 'w1' }));
  const { executionArn } = await sfn.send(new sdk.StartExecutionCommand({ stateMachineArn, input: '{"job": 7}' }));
  const task = await poll;
  assertEqual(JSON.parse(task.input), { job: 7 }, 'the task input');
  await sfn.send(new sdk.SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"done": 7}' }));
  let d;
  do d = await sfn.send(new sdk.DescribeExecutionCommand({ executionArn })); while (d.status === 'RUNNING');
  assertEqual([d.status, d.output], ['SUCCEEDED', '{"done":7}'], 'the worker answered');
  await sfn.send(new sdk.DeleteActivityCommand({ activityArn }));
});

await check('Map Runs: ListMapRuns, DescribeMapRun, UpdateMapRun', async () => {
  const sim = new Simulator();
  const { sfn } = clients(sim);
  const def = JSON.stringify({ StartAt: 'M', States: { M: { Type: 'Map', Label: 'Items', MaxConcurrency: 1,
    ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P',
      States: { P: { Type: 'Pass', End: true } } }, End: true } } });
  const { stateMachineArn } = await sfn.send(new sdk.CreateStateMachineCommand({ name: 'Dist', definition: def, roleArn: ROLE }));
  const { executionArn } = await sfn.send(new sdk.StartExecutionCommand({ stateMachineArn, input: '[1, 2, 3]' }));
  let d;
  do d = await sfn.send(new sdk.DescribeExecutionCommand({ executionArn })); while (d.status === 'RUNNING');
  const { mapRuns } = await sfn.send(new sdk.ListMapRunsCommand({ executionArn }));
  assertEqual(mapRuns.length, 1, 'one Map Run');
  const run = await sfn.send(new sdk.DescribeMapRunCommand({ mapRunArn: mapRuns[0].mapRunArn }));
  assertEqual([run.status, run.itemCounts.succeeded, run.itemCounts.total], ['SUCCEEDED', 3, 3], 'counts');
  await sfn.send(new sdk.UpdateMapRunCommand({ mapRunArn: mapRuns[0].mapRunArn, maxConcurrency: 5 }));
  assertEqual((await sfn.send(new sdk.DescribeMapRunCommand({ mapRunArn: mapRuns[0].mapRunArn }))).maxConcurrency, 5, 'updated');
});

await check('CloudWatch Logs: log groups created, described, deleted', async () => {
  const { logs } = clients(new Simulator());
  await logs.send(new logsSdk.CreateLogGroupCommand({ logGroupName: '/mine' }));
  const { logGroups } = await logs.send(new logsSdk.DescribeLogGroupsCommand({ logGroupNamePrefix: '/mine' }));
  assertEqual(logGroups.map((g) => g.logGroupName), ['/mine'], 'described');
  await logs.send(new logsSdk.DeleteLogGroupCommand({ logGroupName: '/mine' }));
  await expectError(logs.send(new logsSdk.DeleteLogGroupCommand({ logGroupName: '/mine' })), logsSdk.ResourceNotFoundException);
});

await check('each error class is the SDK exception', async () => {
  const sim = new Simulator();
  const { sfn, logs } = clients(sim);
  const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:Nope';
  await expectError(sfn.send(new sdk.StartExecutionCommand({ stateMachineArn: arn })), sdk.StateMachineDoesNotExist, 'Nope');
  await expectError(sfn.send(new sdk.DescribeExecutionCommand({ executionArn: arn.replace('stateMachine', 'execution') + ':x' })),
    sdk.ExecutionDoesNotExist);
  await expectError(sfn.send(new sdk.DescribeStateMachineCommand({ stateMachineArn: 'nope' })), sdk.InvalidArn,
    "Invalid ARN prefix: nope");
  await expectError(sfn.send(new sdk.CreateStateMachineCommand({ name: 'Bad', definition: '{}', roleArn: ROLE })), sdk.InvalidDefinition);
  await expectError(sfn.send(new sdk.CreateStateMachineCommand({ name: 'a b', definition: pass(), roleArn: ROLE })), sdk.InvalidName);
  await expectError(sfn.send(new sdk.CreateStateMachineCommand({ name: 'x'.repeat(81), definition: pass(), roleArn: ROLE })),
    sdk.ValidationException, '1 validation error detected');
  await expectError(sfn.send(new sdk.CreateStateMachineCommand({ name: 'L', definition: pass(), roleArn: ROLE,
    loggingConfiguration: { level: 'ALL', destinations: [] } })), sdk.InvalidLoggingConfiguration);
  const { stateMachineArn } = await sfn.send(new sdk.CreateStateMachineCommand({ name: 'Ok', definition: pass(), roleArn: ROLE }));
  await expectError(sfn.send(new sdk.CreateStateMachineCommand({ name: 'Ok', definition: pass({ ok: 9 }), roleArn: ROLE })),
    sdk.StateMachineAlreadyExists);
  await expectError(sfn.send(new sdk.StartExecutionCommand({ stateMachineArn, input: 'not json' })), sdk.InvalidExecutionInput);
  await sfn.send(new sdk.StartExecutionCommand({ stateMachineArn, name: 'once', input: '{}' }));
  await expectError(sfn.send(new sdk.StartExecutionCommand({ stateMachineArn, name: 'once', input: '{"other": 1}' })),
    sdk.ExecutionAlreadyExists);
  await expectError(sfn.send(new sdk.StartSyncExecutionCommand({ stateMachineArn })), sdk.StateMachineTypeNotSupported);
  await expectError(sfn.send(new sdk.SendTaskSuccessCommand({ taskToken: 't', output: 'nope' })), sdk.InvalidOutput);
  await expectError(sfn.send(new sdk.ListStateMachinesCommand({ nextToken: 'bogus' })), sdk.InvalidToken);
  await expectError(sfn.send(new sdk.DescribeActivityCommand({ activityArn: 'arn:aws:states:us-east-1:123456789012:activity:no' })),
    sdk.ActivityDoesNotExist);
  await expectError(sfn.send(new sdk.DescribeMapRunCommand({ mapRunArn: 'arn:aws:states:us-east-1:123456789012:mapRun:Ok/x:y' })),
    sdk.ResourceNotFound);
  await expectError(sfn.send(new sdk.UpdateStateMachineCommand({ stateMachineArn })), sdk.MissingRequiredParameter);
  const tags = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: '' }));
  await expectError(sfn.send(new sdk.TagResourceCommand({ resourceArn: stateMachineArn, tags })), sdk.TooManyTags);
  const e = await sfn.send(new sdk.StartExecutionCommand({ stateMachineArn, name: 'done' }));
  let d;
  do d = await sfn.send(new sdk.DescribeExecutionCommand({ executionArn: e.executionArn })); while (d.status === 'RUNNING');
  await expectError(sfn.send(new sdk.RedriveExecutionCommand({ executionArn: e.executionArn })), sdk.ExecutionNotRedrivable);
  const pub = await sfn.send(new sdk.PublishStateMachineVersionCommand({ stateMachineArn }));
  await sfn.send(new sdk.CreateStateMachineAliasCommand({ name: 'a', routingConfiguration: [{ stateMachineVersionArn: pub.stateMachineVersionArn, weight: 100 }] }));
  await expectError(sfn.send(new sdk.DeleteStateMachineVersionCommand({ stateMachineVersionArn: pub.stateMachineVersionArn })),
    sdk.ConflictException);
  await expectError(logs.send(new logsSdk.GetLogEventsCommand({ logGroupName: '/none', logStreamName: 's' })),
    logsSdk.ResourceNotFoundException);
  await logs.send(new logsSdk.CreateLogGroupCommand({ logGroupName: GROUP }));
  await expectError(logs.send(new logsSdk.CreateLogGroupCommand({ logGroupName: GROUP })), logsSdk.ResourceAlreadyExistsException);
  await expectError(logs.send(new logsSdk.FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: '{ $.a = 1 }' })),
    logsSdk.InvalidParameterException);
});

await check('deleteStateMachine (JS API) and the handler shape', async () => {
  const sim = new Simulator();
  const { stateMachineArn } = sim.createStateMachine({ name: 'D', definition: pass() });
  assertEqual(sim.deleteStateMachine({ stateMachineArn }), {}, 'deleted');
  const handler = sim.requestHandler();
  assertEqual(typeof handler.handle, 'function', 'handle');
  assertEqual(handler.httpHandlerConfigs(), {}, 'httpHandlerConfigs');
  const { response } = await handler.handle({ method: 'POST', hostname: 'x', path: '/', protocol: 'http:',
    headers: { 'X-Amz-Target': 'AWSStepFunctions.ListStateMachines', 'content-type': 'application/x-amz-json-1.0' }, body: '{}' });
  assertEqual([response.statusCode, new TextDecoder().decode(response.body)], [200, '{"stateMachines":[]}'], 'raw');
});

await check("every `javascript` example of the README (the SDK ones) runs as written", async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const examples = [...readme.matchAll(/^```javascript\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  assert(examples.length >= 2, `expected the README's SDK examples, found ${examples.length}`);
  // Inside the repository, so that @aws-sdk resolves from its node_modules; asl-sim is the build.
  const dir = join(root, 'target', 'sdk-readme');
  mkdirSync(dir, { recursive: true });
  const glue = pathToFileURL(join(root, 'pkg', 'node', 'asl_sim.js')).href;
  for (const [i, code] of examples.entries()) {
    const file = join(dir, `example-${i + 1}.mjs`);
    writeFileSync(file, code.replaceAll("from 'asl-sim'", `from '${glue}'`));
    try {
      execFileSync(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    } catch (e) {
      throw new Error(`README example ${i + 1} (starting "${code.split('\n')[0]}"): ${e.stderr || e.message}`);
    }
  }
});

clearTimeout(watchdog);
const failed = results.filter(([, e]) => e).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
