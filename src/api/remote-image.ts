/** What the remote verbs (digest, manifest, config, delete, index create) share: a reference's repository and manifests. */
import { formatReference, parseReference, type Reference } from '../ref/reference.js';
import { MAX_CONFIG_BYTES } from '../oci/manifest.js';
import { formatPlatform, selectPlatform } from '../oci/platform.js';
import type { Descriptor, Platform } from '../oci/types.js';
import { RemoteRepository } from '../registry/remote.js';
import { manifestNotFound, type FetchedManifest } from '../registry/manifests.js';
import { HubctlError } from '../errors.js';
import type { Client } from './client.js';

export interface RemoteOptions {
  signal?: AbortSignal;
}

export interface RemotePlatformOptions extends RemoteOptions {
  /** For a multi-platform index: the platform whose manifest to use. */
  platform?: Platform;
}

/** A reference with its repository on the registry. */
export interface RemoteTarget {
  ref: Reference;
  /** Full normalized reference (`docker.io/library/centos:latest`). */
  reference: string;
  repo: RemoteRepository;
  /** The tag or digest asked for. */
  tagOrDigest: string;
}

export function remoteTarget(client: Client, refText: string): RemoteTarget {
  const ref = parseReference(refText);
  return {
    ref,
    reference: formatReference(ref),
    repo: new RemoteRepository(client.transport(ref.registry), ref.repository),
    tagOrDigest: ref.digest ?? ref.tag ?? 'latest',
  };
}

/** GETs the manifest or index a reference names; a missing one is docker's "manifest for X not found". */
export async function fetchRootManifest(target: RemoteTarget, options: RemoteOptions = {}): Promise<FetchedManifest> {
  try {
    return await target.repo.getManifest(target.tagOrDigest, options.signal ? { signal: options.signal } : {});
  } catch (e) {
    throw notFoundAs(e, target.reference);
  }
}

/** Rewords a registry 404 as "manifest for REF not found" (keeping the registry's code); other errors pass. */
export function notFoundAs(e: unknown, reference: string): unknown {
  if (!(e instanceof HubctlError) || e.kind !== 'notfound') return e;
  const err = manifestNotFound(reference);
  return new HubctlError('notfound', e.code, err.message, { ...(err.hint ? { hint: err.hint } : {}), cause: e });
}

/**
 * The image manifest for a platform: the root itself when it is an image, else the index entry that
 * matches `platform` (default: the client's), fetched by digest.
 */
export async function platformManifest(
  client: Client,
  target: RemoteTarget,
  root: FetchedManifest,
  options: RemotePlatformOptions = {},
): Promise<{ manifest: FetchedManifest; entry?: Descriptor }> {
  if (root.parsed.kind !== 'index') return { manifest: root };
  const wanted = options.platform ?? client.platform;
  const entry = selectPlatform(root.parsed.manifest.manifests, wanted, target.reference);
  const manifest = await target.repo.getManifest(entry.digest, options.signal ? { signal: options.signal } : {});
  if (manifest.parsed.kind !== 'image') {
    throw new HubctlError(
      'integrity',
      'NESTED_INDEX',
      `the entry for ${formatPlatform(wanted)} in ${target.reference} is an index, not an image`,
    );
  }
  return { manifest, entry };
}

/** Reads an image manifest's config blob (verified, at most 8 MiB) as served. */
export async function fetchConfig(
  target: RemoteTarget,
  manifest: FetchedManifest,
  options: RemoteOptions = {},
): Promise<{ descriptor: Descriptor; bytes: Buffer }> {
  if (manifest.parsed.kind !== 'image') throw new HubctlError('internal', 'NOT_AN_IMAGE', `${target.reference} is an index, not an image`);
  const descriptor = manifest.parsed.manifest.config;
  const bytes = await target.repo.fetchBytes(descriptor, MAX_CONFIG_BYTES, options.signal ? { signal: options.signal } : {});
  return { descriptor, bytes };
}
