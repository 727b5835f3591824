// Types of the test helpers (testing.js and testing.cjs). The types of the simulator are taken
// from the package itself, so they are those of the entry that the importing project resolves.
import type { HistoryEvent, JsonValue, Simulator } from 'asl-sim';

/** What the helpers need of a `Simulator`: its execution histories. */
export type HistorySource = Pick<Simulator, 'getExecutionHistory'>;

/** Every history event of the execution, oldest first. */
export function executionHistory(sim: HistorySource, executionArn: string): HistoryEvent[];

/** The names of the states the execution entered, in order (a state entered twice is there twice). */
export function statesEntered(sim: HistorySource, executionArn: string): string[];

/** The input `stateName` received, parsed: the first time it was entered, or the `occurrence`th
 *  (0 is the first, -1 the last). Throws if it was not entered that often. */
export function stateInput(sim: HistorySource, executionArn: string, stateName: string, occurrence?: number): JsonValue;

/** The output `stateName` gave, parsed: the first time it exited, or the `occurrence`th
 *  (0 is the first, -1 the last). Throws if it did not exit that often. */
export function stateOutput(sim: HistorySource, executionArn: string, stateName: string, occurrence?: number): JsonValue;
