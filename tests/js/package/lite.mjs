// `asl-sim/lite`, the build without JSONata, TestState and the SDK request handler: JSONPath
// machines run as with the full package; every way into JSONata (a machine, a state, validation)
// is refused with the message that names the full build, and so are `testState()` and
// `requestHandler()`; the full package runs the same JSONata machine and has both methods.
import { join } from 'node:path';

import { assertEqual, check, run, write } from './harness.mjs';

/** The lite build's refusal, as `CreateStateMachine` words it. */
const REFUSAL = 'JSONata is not in this build of asl-sim (the lite build runs JSONPath only): use the full build ' +
  "(the npm package's 'asl-sim' rather than 'asl-sim/lite', or the crate with its default feature 'jsonata')";
/** The lite build's refusal of a method it leaves out. */
const methodRefusal = (method) => ['UnknownOperationException', `${method} is not in this build of asl-sim ` +
  "(the lite build leaves out TestState and the SDK request handler): use the full build (the npm package's " +
  "'asl-sim' rather than 'asl-sim/lite', or the crate with its default features)"];

const program = (from) => `
import { Simulator, version } from '${from}';
const sim = new Simulator({ startDate: 0 });
const attempt = (f) => { try { return f(); } catch (e) { return [e.name, e.message]; } };
const path = sim.createStateMachine({ name: 'Path', type: 'EXPRESS', definition: JSON.stringify({ StartAt: 'P',
  States: { P: { Type: 'Pass', Parameters: { 'sum.$': 'States.MathAdd($.a, 2)' }, End: true } } }) });
const ran = await sim.startSyncExecution({ stateMachineArn: path.stateMachineArn, input: '{"a": 40}' });
const jsonata = JSON.stringify({ QueryLanguage: 'JSONata', StartAt: 'J',
  States: { J: { Type: 'Pass', Output: '{% $states.input.a + 2 %}', End: true } } });
const machine = attempt(() => sim.createStateMachine({ name: 'Jsonata', type: 'EXPRESS', definition: jsonata }));
const state = attempt(() => sim.createStateMachine({ name: 'State', definition: JSON.stringify({ StartAt: 'J',
  States: { J: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% 1 %}', End: true } } }) }));
const validated = sim.validateStateMachineDefinition({ definition: jsonata });
const tested = attempt(() => sim.testState({ definition: JSON.stringify({ Type: 'Pass', QueryLanguage: 'JSONata',
  Output: '{% 1 %}', End: true }) }).status);
const handler = attempt(() => typeof sim.requestHandler().handle);
const sdk = sim.createStateMachine({ name: 'Sdk', type: 'EXPRESS', definition: JSON.stringify({ StartAt: 'D',
  States: { D: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:sfn:listStateMachines', End: true } } }) });
const listed = await sim.startSyncExecution({ stateMachineArn: sdk.stateMachineArn });
console.log(JSON.stringify({ version: version(), ran: [ran.status, ran.output], machine, state,
  validated: [validated.result, validated.diagnostics], tested, handler,
  sdk: [listed.status, listed.error, listed.cause, JSON.parse(listed.output ?? 'null')] }));
`;

export async function liteChecks({ work }) {
  const esm = join(work, 'esm');

  await check("`asl-sim/lite` runs JSONPath machines and refuses JSONata (machine, state, validation), TestState " +
    'and the request handler with messages naming the full build', async () => {
    write(esm, { 'lite.mjs': program('asl-sim/lite') });
    const out = JSON.parse(run(process.execPath, ['lite.mjs'], esm));
    const refused = (location) => ['InvalidDefinition',
      `Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: ${REFUSAL} at ${location}'`];
    assertEqual(out.ran, ['SUCCEEDED', '{"sum":42}'], 'the JSONPath machine');
    assertEqual(out.machine, refused('/QueryLanguage'), 'a JSONata machine');
    assertEqual(out.state, refused('/States/J/QueryLanguage'), 'a JSONata state');
    assertEqual(out.validated, ['FAIL', [{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: REFUSAL,
      location: '/QueryLanguage' }]], 'ValidateStateMachineDefinition');
    assertEqual(out.tested, methodRefusal('sim.testState()'), 'TestState');
    assertEqual(out.handler, methodRefusal('sim.requestHandler()'), 'the request handler');
    assertEqual(out.sdk, ['FAILED', 'States.TaskFailed', "aws-sdk:sfn:listStateMachines runs on the simulator's own " +
      "API, which the lite build leaves out: use the full build (the npm package's 'asl-sim' rather than " +
      "'asl-sim/lite'), a handler or a mock config.", null], 'an aws-sdk:sfn task');
  });

  await check('the full package runs the JSONata machine that `asl-sim/lite` refuses', async () => {
    write(esm, { 'full.mjs': program('asl-sim') });
    const out = JSON.parse(run(process.execPath, ['full.mjs'], esm));
    assertEqual([out.machine.stateMachineArn !== undefined, out.validated[0], out.tested, out.handler],
      [true, 'OK', 'SUCCEEDED', 'function'], 'the full build');
    // The full build runs the SDK task on the account's API (PascalCase, ISO dates).
    assertEqual(out.sdk[0], 'SUCCEEDED', 'an aws-sdk:sfn task');
    assertEqual(out.sdk[3].StateMachines.map((m) => [m.Name, m.Type]).sort(),
      [['Jsonata', 'EXPRESS'], ['Path', 'EXPRESS'], ['Sdk', 'EXPRESS'], ['State', 'STANDARD']], 'the machines it lists');
    assertEqual(out.sdk[3].StateMachines[0].CreationDate, '1970-01-01T00:00:00Z', 'an ISO date');
  });
}
