// `asl-sim/lite` in browsers and bundlers: the build without JSONata (a third of the download;
// JSONata definitions are refused with an error that names the full build), initialised here
// once with top-level await, as the full package's browser.js does.
import init from './asl_sim.js';

await init();

export { Simulator, jsonRoundTrip, version } from './asl_sim.js';
