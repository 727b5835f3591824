// Helpers for tests of state machines: the path an execution took and what each state saw, read
// from its history (`getExecutionHistory`, every page). Plain functions of a `Simulator` and an
// execution ARN; they work for Standard and Express executions alike. scripts/package.mjs writes
// the CommonJS copy (testing.cjs) from this file.

/** Every history event of the execution, oldest first. */
export function executionHistory(sim, executionArn) {
  const events = [];
  let nextToken;
  do {
    const page = sim.getExecutionHistory({ executionArn, maxResults: 1000, nextToken });
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** The names of the states the execution entered, in order (a state entered twice is there twice). */
export function statesEntered(sim, executionArn) {
  return executionHistory(sim, executionArn)
    .filter((event) => event.stateEnteredEventDetails)
    .map((event) => event.stateEnteredEventDetails.name);
}

/** The input `stateName` received, parsed: the first time it was entered, or the `occurrence`th
 *  (0 is the first, -1 the last). Throws if it was not entered that often. */
export function stateInput(sim, executionArn, stateName, occurrence = 0) {
  return JSON.parse(stateDetails(sim, executionArn, stateName, occurrence, 'stateEnteredEventDetails').input);
}

/** The output `stateName` gave, parsed: the first time it exited, or the `occurrence`th
 *  (0 is the first, -1 the last). Throws if it did not exit that often. */
export function stateOutput(sim, executionArn, stateName, occurrence = 0) {
  return JSON.parse(stateDetails(sim, executionArn, stateName, occurrence, 'stateExitedEventDetails').output);
}

function stateDetails(sim, executionArn, stateName, occurrence, key) {
  const events = executionHistory(sim, executionArn);
  const found = events.filter((event) => event[key]?.name === stateName).map((event) => event[key]);
  const details = found.at(occurrence);
  if (!details) {
    const entered = events.filter((event) => event.stateEnteredEventDetails)
      .map((event) => event.stateEnteredEventDetails.name);
    const what = key === 'stateEnteredEventDetails' ? 'entered' : 'exited';
    throw new Error(`state "${stateName}" ${what} ${found.length} time(s), so it has no occurrence ${occurrence}; ` +
      `states entered: ${entered.join(', ') || 'none'}`);
  }
  return details;
}
