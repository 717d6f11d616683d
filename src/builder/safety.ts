/**
 * Moved to src/tar/safety.ts (below both builder and archive, which share it). This re-export keeps
 * imports from branches written before the move working; import from '../tar/index.js' instead.
 */
export * from '../tar/safety.js';
