// Types of node.mjs: those of the CommonJS build it re-exports.
export * from './asl_sim.cjs';
