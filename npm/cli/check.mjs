// `asl-sim validate` (ValidateStateMachineDefinition) and `asl-sim test-state` (TestState).
import { Simulator } from '../node.mjs';
import { readJsonText, readText } from './files.mjs';
import { USAGE, UsageError } from './usage.mjs';

/** Prints `{result, diagnostics, truncated}`; exit status 0 for OK, 2 for FAIL. */
export function validate(o, io) {
  const definition = readText(o.definition, 'definition');
  const answer = new Simulator().validateStateMachineDefinition({ definition, type: o.type });
  io.out(JSON.stringify(answer));
  return answer.result === 'OK' ? 0 : 2;
}

/** Answers the TestState request in the file; exit status 0 for SUCCEEDED, 1 for other statuses,
 *  2 for an API error (printed as `{"__type", "message"}` on stderr). */
export function testState(args, io) {
  if (args.length !== 1) throw new UsageError(`test-state takes one REQUEST.json\n${USAGE}`);
  const request = JSON.parse(readJsonText(args[0], 'request'));
  let answer;
  try {
    answer = new Simulator().testState(request);
  } catch (e) {
    if (!(e instanceof Error) || e.$fault !== 'client') throw e;
    io.err(JSON.stringify({ __type: e.name, message: e.message }));
    return 2;
  }
  io.out(JSON.stringify(answer));
  return answer.status === 'SUCCEEDED' ? 0 : 1;
}
