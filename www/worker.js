// Runs executions for the playground, off the page's thread: the page ends a run of any length
// with worker.terminate(). Messages in: {definition, input, type, clock}. Messages out:
// {ready, version} once, {progress} for each log record as it is written, then {done, result,
// events} or {done, error, cause}.
import init, { Simulator, version } from './pkg/asl_sim.js';

await init();
postMessage({ ready: true, version: version() });

// Every history event, through the pages of GetExecutionHistory.
function history(sim, executionArn) {
  const events = [];
  let nextToken;
  do {
    const page = sim.getExecutionHistory({ executionArn, maxResults: 1000, nextToken });
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

onmessage = async ({ data: { definition, input, type, clock } }) => {
  try {
    const sim = new Simulator({ clock });
    sim.subscribe((record) => postMessage({ progress: record.type }));
    const { stateMachineArn } = sim.createStateMachine({
      name: 'Playground', type, definition,
      loggingConfiguration: { level: 'ALL', includeExecutionData: true },
    });
    const result = type === 'EXPRESS'
      ? await sim.startSyncExecution({ stateMachineArn, input })
      : await new Promise((resolve) => sim.startExecution({ stateMachineArn, input }, resolve));
    postMessage({ done: true, result, events: history(sim, result.executionArn) });
  } catch (e) {
    postMessage({ done: true, error: e.name, cause: e.message });
  }
};
