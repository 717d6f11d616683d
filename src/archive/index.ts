export * from './format.js';
export * from './extract.js';
export * from './layer-scan.js';
export * from './write.js';
export * from './staged-source.js';
