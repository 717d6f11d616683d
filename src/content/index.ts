export * from './types.js';
export * from './graph.js';
export * from './pool.js';
export * from './abort.js';
