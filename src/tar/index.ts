/** Tar entries as layers hold them: name normalization and the safety checks every reader and writer applies. */
export * from './safety.js';
