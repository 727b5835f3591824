// Types of `asl-sim/lite`: the same API as `asl-sim` (lite/asl_sim.d.ts is the full build's
// typings), without the init functions, which lite/browser.js and lite/node.mjs have called.
// The lite build refuses JSONata definitions at validation, and `testState()` and
// `requestHandler()` throw an `UnknownOperationException` that names the full build.
export type * from './asl_sim.js';
export { Simulator, jsonRoundTrip, version } from './asl_sim.js';
