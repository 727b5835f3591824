// The package in Node.js as an ES module: the CommonJS build (asl_sim.cjs, wasm-bindgen's nodejs
// glue, which reads the .wasm from disk synchronously), so `import` and `require` share one
// instance of the module and nothing needs `await init()`.
export * from './asl_sim.cjs';
