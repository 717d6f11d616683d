/**
 * The copy engine: narrow interfaces (types.ts: Source, Destination, Mounter), the one rule for a
 * manifest's successors (successors.ts), copyGraph (graph.ts) and the read-only walk (walk.ts).
 * pull, push, save, load and copy are copyGraph between a registry repository, the store and archives.
 */
export * from './types.js';
export * from './successors.js';
export * from './events.js';
export * from './graph.js';
export * from './walk.js';
export * from './limiter.js';
export * from './pool.js';
export * from './abort.js';
