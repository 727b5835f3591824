// Histories made when read, through the JS API in Node.js (the nodejs build, pkg/node): an
// execution keeps no events as it runs, and `getExecutionHistory` makes them from what it was given.
// Read while it runs (every millisecond, in pages of 7) with task handlers that answer late, fail
// and are retried, the history must be the one made from scratch once it has ended (after four
// other readings pushed the kept one out), for Standard and Express.
// Prints one line per check, then `N passed, M failed`.
//   node tests/js/history.mjs
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { Simulator } = createRequire(import.meta.url)(join(root, 'pkg', 'node', 'asl_sim.js'));

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(e.stack || e).split('\n').slice(0, 8).join('\n     ')}`);
  }
}

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:f';
const task = { Type: 'Task', Resource: FN, Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 2 }] };
// A Parallel of three branches (a task, then a Wait), then a Map whose items each run a task.
const DEFINITION = JSON.stringify({ StartAt: 'Fan', States: {
  Fan: { Type: 'Parallel', Next: 'Each', ResultPath: '$.fan', Branches: [0, 1, 2].map((i) => ({ StartAt: `Call ${i}`, States: {
    [`Call ${i}`]: { ...task, Next: `Wait ${i}` },
    [`Wait ${i}`]: { Type: 'Wait', Seconds: i + 1, End: true } } })) },
  Each: { Type: 'Map', ItemsPath: '$.items', Parameters: { 'item.$': '$$.Map.Item.Value' }, ResultPath: '$.done',
    Iterator: { StartAt: 'Item', States: { Item: { ...task, End: true } } }, End: true } } });

function history(sim, executionArn, maxResults) {
  const events = [];
  let nextToken;
  do {
    const page = sim.getExecutionHistory({ executionArn, maxResults, nextToken });
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

for (const type of ['STANDARD', 'EXPRESS']) {
  await check(`${type}: read live while its tasks answer late, the history is the one made from scratch`, async () => {
    const sim = new Simulator({ seed: 5 });
    let calls = 0;
    sim.registerTaskHandler(FN, async () => {
      const n = ++calls;
      await new Promise((resolve) => setTimeout(resolve, (n * 7) % 13));
      if (n % 4 === 0) throw Object.assign(new Error('boom'), { name: 'Boom' });
      return { n };
    });
    const { stateMachineArn } = sim.createStateMachine({ name: 'Live', definition: DEFINITION, type });
    const live = new Map();
    let arn;
    let reads = 0;
    const timer = setInterval(() => {
      if (!arn) return;
      reads++;
      for (const e of history(sim, arn, 7)) {
        if (live.has(e.id)) assert.deepEqual(e, live.get(e.id), `event ${e.id} changed between readings`);
        live.set(e.id, e);
      }
    }, 1);
    const result = await new Promise((resolve) => {
      arn = sim.startExecution({ stateMachineArn, input: JSON.stringify({ items: [1, 2, 3, 4, 5] }) }, resolve).executionArn;
    });
    clearInterval(timer);
    assert.equal(result.status, 'SUCCEEDED');
    assert.ok(reads > 3, `read ${reads} times while it ran`);
    for (const e of history(sim, arn, 7)) live.set(e.id, e);
    for (let i = 0; i < 4; i++) {
      const other = sim.createStateMachine({ name: `Other${i}`, type,
        definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }) });
      const done = await new Promise((resolve) => sim.startExecution({ stateMachineArn: other.stateMachineArn }, resolve));
      assert.equal(history(sim, done.executionArn, 100).length, 4);
    }
    const fresh = history(sim, arn, 1000);
    assert.deepEqual([...live.values()].sort((a, b) => a.id - b.id), fresh);
    assert.deepEqual(fresh.map((e) => e.id), fresh.map((_, i) => i + 1));
    assert.equal(fresh.filter((e) => e.type === 'LambdaFunctionScheduled').length, calls);
    assert.equal(fresh.filter((e) => e.type === 'LambdaFunctionFailed').length, Math.floor(calls / 4));
    assert.equal(fresh.at(-1).type, 'ExecutionSucceeded');
    assert.equal(fresh.at(-1).executionSucceededEventDetails.output, result.output);
  });
}

await check('a history over maxHistoryBytes is refused when read, and the run ends on its own', async () => {
  const sim = new Simulator({ maxHistoryBytes: 100_000 });
  const big = JSON.stringify({ StartAt: 'S0', States: Object.fromEntries([...Array(10).keys()].map((i) => [`S${i}`,
    { Type: 'Pass', Parameters: { 'doc.$': '$.doc', i }, ...(i === 9 ? { End: true } : { Next: `S${i + 1}` }) }])) });
  const { stateMachineArn } = sim.createStateMachine({ name: 'Big', definition: big, type: 'EXPRESS' });
  const result = await sim.startSyncExecution({ stateMachineArn, input: JSON.stringify({ doc: 'x'.repeat(20_000) }) });
  assert.equal(result.status, 'SUCCEEDED');
  assert.throws(() => sim.getExecutionHistory({ executionArn: result.executionArn }), {
    name: 'ValidationException',
    message: "The history of this execution is larger than the simulator's budget of 100000 bytes of history (raise "
      + 'it with the Simulator option maxHistoryBytes, the CLI flag --max-history-bytes or Budgets::max_history_bytes); '
      + 'the simulator makes a history when it is read, and the execution ran without it.',
  });
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
