// The package in browsers and bundlers (Vite, webpack 5, esbuild, Rollup): wasm-bindgen's web
// glue, initialised here once with top-level await, so that users import and call as in Node.
// The glue finds the .wasm with `new URL('asl_sim_bg.wasm', import.meta.url)`, which bundlers
// emit as an asset and browsers fetch from beside asl_sim.js.
import init from './asl_sim.js';

await init();

export { Simulator, jsonRoundTrip, version } from './asl_sim.js';
