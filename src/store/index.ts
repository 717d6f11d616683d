/**
 * The local image store: an OCI image layout that skopeo (`oci:<root>:<ref>`) and umoci read as is.
 *
 *   <root>/oci-layout                 {"imageLayoutVersion":"1.0.0"}
 *   <root>/index.json                 entries annotated org.opencontainers.image.ref.name = full normalized ref
 *   <root>/index.json.lock            held (pid, host, time) around every index.json change and gc
 *   <root>/blobs/sha256/<hex>         verified content
 *   <root>/blobs/sha256/.<hex>.partial  resumable download; .<hex>.lock serializes ingests of one blob
 *   <root>/.hubctl/leases/*.json      blobs written by live processes and not tagged yet (gc keeps them)
 *   <root>/.hubctl/tmp/hubctl-*       staging directories of builds and loads, each with a `.lock` beside it
 */
export { defaultStoreRoot, Layout, type StoreRootEnv, OCI_LAYOUT_CONTENT } from './layout.js';
export { writeFileAtomic, createFileExclusive, fsyncDir } from './atomic-write.js';
export {
  acquireLock,
  withLock,
  isLockLive,
  isPidAlive,
  readLockInfo,
  DEFAULT_LOCK_STALE_MS,
  DEFAULT_LOCK_TIMEOUT_MS,
  type LockHandle,
  type LockInfo,
  type LockOptions,
} from './lock.js';
export { BlobStore, type BlobStoreOptions } from './blobs.js';
export { verifyBytes, checkDescriptorShape } from './verify.js';
export { MAX_INGEST_RETRIES, isRetryableStreamError } from './ingest.js';
export {
  HUBCTL_REF_NAME_ANNOTATION,
  isValidOciRefName,
  normalizeRefName,
  entryRefName,
  parseIndex,
  readIndexFile,
} from './index-file.js';
export { ImageStore, type ImageStoreOptions, type StoreEntry } from './image-store.js';
export { collectGarbage, DEFAULT_PARTIAL_GRACE_MS, type GcOptions, type GcResult } from './gc.js';
export { walkGraph, readManifest, type GraphWalk, type MissingBlob } from './graph.js';
export { validateStore, type ValidateOptions, type ValidationReport } from './validate.js';
export { describeImages, type ImageSummary } from './describe.js';
export { Lease, readLiveLeases, LEASES_DIR, FOREIGN_LEASE_MAX_AGE_MS } from './lease.js';
export { listBlobFiles, type BlobFiles } from './usage.js';
export { createOwnedDir, createStagingDir, sweepOwnedDirs, sweepStaging, STAGING_DIR, type StagingDir } from './staging.js';
export { sweepLeftovers, sweepBlobLocks } from './sweep.js';
