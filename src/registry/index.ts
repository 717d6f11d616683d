export * from './scopes.js';
export * from './manifests.js';
export * from './blobs.js';
export * from './upload.js';
export * from './remote.js';
export * from './destination.js';
