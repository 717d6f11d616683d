export * from './types.js';
export * from './safety.js';
export * from './pool.js';
export * from './tar-pack.js';
export * from './layer-source.js';
export * from './layer-writer.js';
export * from './image-config.js';
export * from './image-builder.js';
