// `asl-sim/lite` in Node.js (ES modules only): the web glue of the build without JSONata,
// initialised synchronously from the .wasm beside it.
import { readFileSync } from 'node:fs';

import { initSync } from './asl_sim.js';

initSync({ module: readFileSync(new URL('asl_sim_bg.wasm', import.meta.url)) });

export { Simulator, jsonRoundTrip, version } from './asl_sim.js';
