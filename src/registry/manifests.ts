import { HubctlError, integrityError, notFoundError } from '../errors.js';
import { sha256 } from '../digest/digest.js';
import { MANIFEST_ACCEPT, baseMediaType } from '../oci/media-types.js';
import { MAX_MANIFEST_BYTES, parseManifest, type ParsedManifest } from '../oci/manifest.js';
import type { Descriptor } from '../oci/types.js';
import type { RegistryTransport } from '../http/types.js';
import { deleteScope, pullScope, pushScope } from './scopes.js';

export interface FetchedManifest {
  descriptor: Descriptor;
  bytes: Buffer;
  parsed: ParsedManifest;
}

const manifestPath = (repository: string, reference: string) =>
  `/v2/${repository}/manifests/${encodeURIComponent(reference).replace(/%3A/gi, ':')}`;

/**
 * GETs a manifest by tag or digest with every manifest type in Accept. Refuses bodies over 4 MiB,
 * checks the digest when asked by digest, and never trusts the registry's digest over the bytes.
 */
export async function getManifest(
  transport: RegistryTransport,
  repository: string,
  reference: string,
  signal?: AbortSignal,
): Promise<FetchedManifest> {
  const res = await transport.request({
    method: 'GET',
    url: manifestPath(repository, reference),
    headers: { accept: MANIFEST_ACCEPT },
    scopes: [pullScope(repository)],
    // read whole on a kept raw connection (a larger one is asked again through undici)
    smallBody: true,
    ...(signal ? { signal } : {}),
  });
  const declared = Number(res.header('content-length'));
  if (Number.isFinite(declared) && declared > MAX_MANIFEST_BYTES) {
    await res.discard();
    throw tooBig(repository, reference, declared);
  }
  let bytes: Buffer;
  try {
    bytes = await res.bytes(MAX_MANIFEST_BYTES);
  } catch (e) {
    // only the size limit is "too big"; a body that broke off or came too slowly is that error
    if (e instanceof HubctlError && e.code === 'BODY_TOO_LARGE') throw tooBig(repository, reference, undefined, e);
    throw e;
  }
  const digest = sha256(bytes);
  if (reference.includes(':') && reference !== digest) {
    throw integrityError('DIGEST_MISMATCH', `the registry sent a manifest for ${repository}@${reference} whose digest is ${digest}`, {
      hint: 'the registry or a proxy changed the content; try again or report it to the registry operator',
    });
  }
  const contentType = baseMediaType(res.header('content-type'));
  const parsed = parseManifest(bytes, contentType);
  return { descriptor: { mediaType: parsed.mediaType, digest, size: bytes.length }, bytes, parsed };
}

/**
 * HEADs a manifest (same Accept as GET, or the digest may differ). Undefined when it does not exist.
 * `scope` is pull by default; a push asks with its push scope so one token serves it all.
 */
export async function headManifest(
  transport: RegistryTransport,
  repository: string,
  reference: string,
  signal?: AbortSignal,
  scope: string = pullScope(repository),
): Promise<Descriptor | undefined> {
  const res = await transport.request({
    method: 'HEAD',
    url: manifestPath(repository, reference),
    headers: { accept: MANIFEST_ACCEPT },
    scopes: [scope],
    acceptStatus: [404],
    ...(signal ? { signal } : {}),
  });
  await res.discard();
  if (res.status === 404) return undefined;
  const digest = res.header('docker-content-digest');
  const mediaType = baseMediaType(res.header('content-type'));
  const size = Number(res.header('content-length'));
  if (!digest || !mediaType || !Number.isFinite(size)) return undefined;
  return { mediaType, digest, size };
}

/** PUTs a manifest under a tag or its digest, with its exact media type as Content-Type. */
export async function putManifest(
  transport: RegistryTransport,
  repository: string,
  reference: string,
  bytes: Uint8Array,
  mediaType: string,
  signal?: AbortSignal,
): Promise<string> {
  const res = await transport.request({
    method: 'PUT',
    url: manifestPath(repository, reference),
    headers: { 'content-type': mediaType },
    body: bytes,
    scopes: [pushScope(repository)],
    retry: true,
    ...(signal ? { signal } : {}),
  });
  await res.discard();
  return res.header('docker-content-digest') ?? sha256(bytes);
}

/**
 * DELETEs a manifest by digest (distribution refuses tags here: resolve them first). Its tags go with
 * it. A registry that does not allow deletes answers 405 UNSUPPORTED, said plainly here.
 */
export async function deleteManifest(
  transport: RegistryTransport,
  repository: string,
  digest: string,
  signal?: AbortSignal,
): Promise<void> {
  const res = await transport.request({
    method: 'DELETE',
    url: manifestPath(repository, digest),
    scopes: [deleteScope(repository)],
    acceptStatus: [405],
    retry: true,
    ...(signal ? { signal } : {}),
  });
  await res.discard();
  if (res.status === 405) {
    throw new HubctlError('usage', 'DELETE_UNSUPPORTED', `${transport.registry} does not allow deleting manifests (405)`, {
      hint: 'the registry has deletes turned off (distribution: storage.delete.enabled: true); Docker Hub deletes tags on hub.docker.com',
    });
  }
}

function tooBig(repository: string, reference: string, size: number | undefined, cause?: unknown) {
  return integrityError(
    'MANIFEST_TOO_LARGE',
    `the manifest of ${repository}:${reference} is larger than 4 MiB${size ? ` (${size} bytes)` : ''}`,
    {
      hint: 'hubctl refuses manifests over 4 MiB, as registries and docker do',
      ...(cause ? { cause } : {}),
    },
  );
}

export function manifestNotFound(refText: string) {
  return notFoundError('MANIFEST_UNKNOWN', `manifest for ${refText} not found`, {
    hint: 'check the name and tag (hubctl search, or the registry UI); private images need hubctl login',
  });
}
