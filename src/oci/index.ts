export * from './media-types.js';
export * from './types.js';
export * from './manifest.js';
export * from './platform.js';
