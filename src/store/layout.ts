import { join } from 'node:path';
import { digestAlgorithm, digestHex, isValidDigest } from '../digest/digest.js';
import { usageError } from '../errors.js';

/** File names of an OCI image layout (image-spec image-layout.md). */
export const OCI_LAYOUT_FILE = 'oci-layout';
export const INDEX_FILE = 'index.json';
export const BLOBS_DIR = 'blobs';
/** Lock guarding every read-modify-write of index.json (and gc). */
export const INDEX_LOCK_FILE = 'index.json.lock';
export const OCI_LAYOUT_CONTENT = { imageLayoutVersion: '1.0.0' } as const;

export const PARTIAL_SUFFIX = '.partial';
export { TEMP_SUFFIX } from '../fs/atomic.js';
export const LOCK_SUFFIX = '.lock';

/** Environment variables consulted by {@link defaultStoreRoot}; pass `process.env` from the CLI. */
export interface StoreRootEnv {
  HUBCTL_STORE?: string | undefined;
  XDG_DATA_HOME?: string | undefined;
  [key: string]: string | undefined;
}

/** `$HUBCTL_STORE`, else `$XDG_DATA_HOME/hubctl/store`, else `<home>/.local/share/hubctl/store`. */
export function defaultStoreRoot(env: StoreRootEnv, homedir: string): string {
  const explicit = env.HUBCTL_STORE;
  if (explicit !== undefined && explicit !== '') return explicit;
  const xdg = env.XDG_DATA_HOME;
  // The XDG spec says relative paths in XDG_* are invalid and must be ignored.
  if (xdg !== undefined && xdg !== '' && xdg.startsWith('/')) return join(xdg, 'hubctl', 'store');
  return join(homedir, '.local', 'share', 'hubctl', 'store');
}

/** Digest algorithms the store can hold (directory names under blobs/). */
export const STORE_ALGORITHMS = ['sha256', 'sha512'] as const;

export function assertStorableDigest(digest: string): void {
  if (!isValidDigest(digest)) {
    throw usageError('INVALID_DIGEST', `"${digest}" is not a valid digest`, {
      hint: 'digests look like sha256:<64 lowercase hex characters>',
    });
  }
}

/** Paths inside one layout root. */
export class Layout {
  constructor(readonly root: string) {}

  get ociLayoutPath(): string {
    return join(this.root, OCI_LAYOUT_FILE);
  }

  get indexPath(): string {
    return join(this.root, INDEX_FILE);
  }

  get indexLockPath(): string {
    return join(this.root, INDEX_LOCK_FILE);
  }

  get blobsRoot(): string {
    return join(this.root, BLOBS_DIR);
  }

  algorithmDir(algorithm: string): string {
    return join(this.root, BLOBS_DIR, algorithm);
  }

  /** `blobs/<alg>/<hex>`; throws a usage error for an invalid digest (never a path outside the layout). */
  blobPath(digest: string): string {
    assertStorableDigest(digest);
    return join(this.algorithmDir(digestAlgorithm(digest)), digestHex(digest));
  }

  /** The resumable download file of a blob: `blobs/<alg>/.<hex>.partial`. */
  partialPath(digest: string): string {
    assertStorableDigest(digest);
    return join(this.algorithmDir(digestAlgorithm(digest)), `.${digestHex(digest)}${PARTIAL_SUFFIX}`);
  }

  /** The lock serializing ingests of one blob across processes: `blobs/<alg>/.<hex>.lock`. */
  blobLockPath(digest: string): string {
    assertStorableDigest(digest);
    return join(this.algorithmDir(digestAlgorithm(digest)), `.${digestHex(digest)}${LOCK_SUFFIX}`);
  }
}
