// Types of browser.js: the API of asl_sim.js (wasm-bindgen's web glue) without its init
// functions, which browser.js has already called.
export type * from './asl_sim.js';
export { Simulator, jsonRoundTrip, version } from './asl_sim.js';
