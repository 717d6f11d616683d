export * from './scopes.js';
export * from './manifests.js';
export * from './blobs.js';
export * from './upload.js';
export * from './remote.js';
export * from './listing.js';
export { linkPages, parseNameList, LIST_BODY_LIMIT, type LinkPage, type LinkPagesOptions } from './pages.js';
