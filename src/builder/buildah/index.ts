/**
 * The adapter to buildah, the daemonless engine that runs what the native builder cannot (RUN,
 * multi-stage builds): hubctl hands it the base images from its store, runs `buildah bud` in chroot
 * isolation on storage of its own, and takes the result back into the store.
 */
export { buildWithBuildah, buildahDir, type BuildahBuildOptions } from './build.js';
export { Buildah, buildahPaths, type BuildahPaths, type StorageDriver } from './engine.js';
