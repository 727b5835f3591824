// Runs one execution for the page, off the page's thread, so that Stop can end a run of any kind
// with worker.terminate(). The page sends {cmd: 'run', req} (see runner.js) and, for callback
// tasks, {cmd: 'sendTask', ...}. The worker answers with messages whose `kind` is:
//   ready {version} | started {executionArn, startDate} | events {events, snapshot, total}
//   | logs {records, nextToken, nextForwardToken, empty} | token {taskToken, stateName, input}
//   | consoleTimeout {message, executionArn} | historyUnavailable {name, message} | done {result} | error {name, message, diagnostics}
import init, { Simulator, version } from '../pkg/asl_sim.js';
import { buildModel } from './model.js';
import { HistoryReader, placesOf } from './history.js';

/** Events sent to the page at most; past that only the statuses follow. */
const MAX_EVENTS = 50_000;
/** Events read for the statuses at most (the reader keeps a little for each). */
const MAX_READ = 2_000_000;
const POLL_MS = 100;

await init();
postMessage({ kind: 'ready', version: version() });

let current = null;

onmessage = ({ data }) => {
  if (data.cmd === 'run') run(data.req).catch(fail);
  else if (data.cmd === 'sendTask') sendTask(data).catch(fail);
};

function fail(e) {
  postMessage({ kind: 'error', name: e?.name ?? 'Error', message: e?.message ?? String(e), diagnostics: e?.diagnostics });
}

async function sendTask({ op, taskToken, output, error, cause }) {
  const sim = current?.sim;
  if (!sim) return;
  try {
    if (op === 'success') await sim.sendTaskSuccess({ taskToken, output });
    else if (op === 'failure') await sim.sendTaskFailure({ taskToken, error, cause });
    else await sim.sendTaskHeartbeat({ taskToken });
    postMessage({ kind: 'taskSent', taskToken, op });
  } catch (e) {
    postMessage({ kind: 'taskSent', taskToken, op, error: e.name, message: e.message });
  }
}

function tokenResources(definition) {
  const found = new Set();
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      if (v.Type === 'Task' && typeof v.Resource === 'string' && v.Resource.endsWith('.waitForTaskToken')) found.add(v.Resource);
      Object.values(v).forEach(walk);
    }
  };
  walk(definition);
  return found;
}

async function run(req) {
  let parsed = null;
  try {
    parsed = JSON.parse(req.definition);
  } catch {
    // createStateMachine reports it, with AWS's words.
  }
  const options = { clock: req.clock, seed: req.seed };
  if (req.clock === 'virtual') options.startDate = Date.now();
  const sim = new Simulator(options);
  const reader = new HistoryReader(placesOf(buildModel(parsed)));
  const logging = { level: req.logLevel, includeExecutionData: req.includeExecutionData };
  for (const [name, child] of Object.entries(req.children ?? {})) {
    sim.createStateMachine({ name, type: child.type ?? 'STANDARD', definition: JSON.stringify(child.definition), loggingConfiguration: logging });
  }
  const { stateMachineArn } = sim.createStateMachine({ name: req.machineName, type: req.type, definition: req.definition, loggingConfiguration: logging });
  let startArn = stateMachineArn;
  if (req.mockConfig) {
    sim.setMockConfig(req.mockConfig);
    const cases = req.mockConfig?.StateMachines?.[req.machineName]?.TestCases ?? {};
    if (req.testCase in cases) startArn = `${stateMachineArn}#${req.testCase}`;
  }
  for (const resource of tokenResources(parsed)) {
    sim.registerTaskHandler(resource, (input, context) => {
      postMessage({ kind: 'token', taskToken: context.taskToken, stateName: context.stateName, input, resource });
      return {};
    });
  }
  const state = { sim, reader, arn: null, lastId: 0, sent: 0, logToken: undefined, emptyPolls: 0, finished: false };
  current = state;
  sim.subscribe((record) => { state.arn ??= record.execution_arn; });
  const timer = setInterval(() => poll(state), POLL_MS);
  const finish = (result) => {
    poll(state);
    state.finished = true;
    clearInterval(timer);
    postMessage({ kind: 'done', result });
  };

  if (req.mode === 'async') {
    const started = sim.startExecution({ stateMachineArn: startArn, input: req.input }, finish);
    state.arn = started.executionArn;
    postMessage({ kind: 'started', executionArn: started.executionArn, startDate: started.startDate });
    return;
  }
  try {
    const result = await sim.startSyncExecution({ stateMachineArn: startArn, input: req.input }, { caller: req.caller });
    state.arn = result.executionArn;
    finish(result);
  } catch (e) {
    if (e.name !== 'TimeoutError' || !e.executionArn) {
      clearInterval(timer);
      throw e;
    }
    // The console gave up; the execution goes on, and its end shows in its logs.
    state.arn = e.executionArn;
    postMessage({ kind: 'consoleTimeout', name: e.name, message: e.message, executionArn: e.executionArn });
    const watch = setInterval(() => {
      const d = sim.describeExecution({ executionArn: state.arn });
      if (d.status !== 'RUNNING') {
        clearInterval(watch);
        finish({ ...d, afterConsoleTimeout: true });
      }
    }, POLL_MS);
  }
}

/** New history events and log records, as a console or a CloudWatch reader would fetch them. */
function poll(state) {
  if (!state.arn || state.finished) return;
  const { sim } = state;
  const fresh = [];
  let nextToken;
  // A history is made when it is read; past the history budget it cannot be (the run goes
  // on): the events shown so far stay, with the reason.
  if (!state.historyGone) outer: do {
    let page;
    try {
      page = sim.getExecutionHistory({ executionArn: state.arn, maxResults: 1000, reverseOrder: true, nextToken });
    } catch (e) {
      state.historyGone = true;
      postMessage({ kind: 'historyUnavailable', name: e.name, message: e.message });
      break;
    }
    for (const e of page.events) {
      if (e.id <= state.lastId) break outer;
      fresh.push(e);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  if (fresh.length) {
    fresh.reverse();
    state.lastId = fresh.at(-1).id;
    if (state.reader.count < MAX_READ) state.reader.add(fresh);
    const room = Math.max(0, MAX_EVENTS - state.sent);
    const events = fresh.slice(0, room);
    state.sent += events.length;
    postMessage({ kind: 'events', events, total: state.lastId, snapshot: state.reader.snapshot(), readAll: state.reader.count >= state.lastId });
  }
  const asked = state.logToken;
  const { events: records, nextForwardToken } = sim.getLogEvents({ executionArn: state.arn, nextToken: asked });
  if (records.length) {
    postMessage({ kind: 'logs', records: records.slice(0, MAX_EVENTS), nextToken: asked, nextForwardToken, empty: state.emptyPolls });
    state.emptyPolls = 0;
  } else {
    state.emptyPolls++;
  }
  state.logToken = nextForwardToken;
}
