// Validates definitions as the user types and answers TestState requests for the per-state data
// flow, off the page's thread (a run never waits for it, and it never waits for a run). Messages
// in: {id, cmd: 'validate', definition, type} | {id, cmd: 'testState', request}; out: {id, result}
// or {id, error: {name, message}}; {ready} once.
import init, { Simulator } from '../pkg/asl_sim.js';

await init();
const sim = new Simulator();
postMessage({ ready: true });

onmessage = ({ data: { id, cmd, definition, type, request } }) => {
  try {
    let result;
    if (cmd === 'validate') result = sim.validateStateMachineDefinition({ definition, type });
    else if (cmd === 'testState') result = sim.testState(request);
    else throw new Error(`unknown command ${cmd}`);
    postMessage({ id, result });
  } catch (e) {
    postMessage({ id, error: { name: e?.name ?? 'Error', message: e?.message ?? String(e) } });
  }
};
