import type { Descriptor, ImageIndex, ImageManifest } from '../oci/types.js';
import { fetchConfig, fetchRootManifest, platformManifest, remoteTarget, type RemotePlatformOptions } from './remote-image.js';
import type { Client } from './client.js';

export interface ManifestResult {
  reference: string;
  descriptor: Descriptor;
  /** The exact bytes the registry served (their sha256 is the digest). */
  bytes: Buffer;
  manifest: ImageManifest | ImageIndex;
}

/**
 * `hubctl manifest REF`: the manifest or index as served, verified against its digest when asked by
 * digest. With `platform` and an index, that platform's manifest instead.
 */
export async function manifest(client: Client, refText: string, options: RemotePlatformOptions = {}): Promise<ManifestResult> {
  const target = remoteTarget(client, refText);
  const root = await fetchRootManifest(target, options);
  const chosen = options.platform === undefined ? root : (await platformManifest(client, target, root, options)).manifest;
  return { reference: target.reference, descriptor: chosen.descriptor, bytes: chosen.bytes, manifest: chosen.parsed.manifest };
}

export interface ImageConfigResult {
  reference: string;
  /** The image manifest whose config this is (the platform's, for an index). */
  manifest: Descriptor;
  descriptor: Descriptor;
  /** The config blob as served (verified: its sha256 is `descriptor.digest`). */
  bytes: Buffer;
}

/** `hubctl config REF`: the image config; for an index, the config of `platform` (default: this machine's). */
export async function imageConfig(client: Client, refText: string, options: RemotePlatformOptions = {}): Promise<ImageConfigResult> {
  const target = remoteTarget(client, refText);
  const root = await fetchRootManifest(target, options);
  const { manifest: image } = await platformManifest(client, target, root, options);
  const { descriptor, bytes } = await fetchConfig(target, image, options);
  return { reference: target.reference, manifest: image.descriptor, descriptor, bytes };
}
