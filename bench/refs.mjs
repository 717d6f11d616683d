// The curl references for a pull: the same layers fetched by plain curl processes, with no client
// overhead at all, so a pull is judged against the limit of the wire and the disk, not only against
// another client. Each variant is one shell running 4 jobs in parallel (GNU time of the shell counts
// every job's CPU).
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

const MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'];

/** The layers of `repo:tag` on an open loopback registry, as plain blob URLs with their sizes. */
export async function layerUrls(registry, repo, tag) {
  const base = `http://${registry.host}/v2/${repo}`;
  const res = await fetch(`${base}/manifests/${tag}`, { headers: { accept: MANIFEST_TYPES.join(', ') } });
  if (!res.ok) throw new Error(`bench: GET ${repo}:${tag} manifest answered ${res.status}`);
  const manifest = await res.json();
  return manifest.layers.map((l) => ({ url: `${base}/blobs/${l.digest}`, size: l.size, digest: l.digest }));
}

/**
 * The reference variants: `curl` writes each layer to its file; `curl+sha256sum` and `curl+openssl`
 * then hash that file in the same job (coreutils' sha256sum is plain C here, openssl's dgst uses the
 * same SHA-NI code as node's crypto, which hubctl hashes with).
 */
export const CURL_VARIANTS = {
  curl: { label: '4 x `curl -s -o FILE` (no hashing)', hash: undefined },
  'curl+sha256sum': { label: '4 x `curl -s -o FILE && sha256sum FILE`', hash: 'sha256sum' },
  'curl+openssl': { label: '4 x `curl -s -o FILE && openssl dgst -sha256 FILE`', hash: 'openssl dgst -sha256' },
};

/** `sh -c` arguments running the variant's 4 jobs at once into `dir` (which must exist). */
export function curlJobs(variant, layers, dir) {
  const { hash } = CURL_VARIANTS[variant];
  const jobs = layers.map((l, i) => {
    const file = join(dir, `layer${i}`);
    const get = `curl -s -o '${file}' '${l.url}'`;
    return `( ${get}${hash ? ` && ${hash} '${file}' >/dev/null` : ''} ) &`;
  });
  return ['-c', `${jobs.join(' ')} wait`];
}

/** Fails unless every layer file is complete (curl -s says nothing when a transfer breaks off). */
export async function checkCurlFiles(layers, dir) {
  for (const [i, l] of layers.entries()) {
    const { size } = await stat(join(dir, `layer${i}`));
    if (size !== l.size) throw new Error(`bench: curl wrote ${size} of ${l.size} bytes of ${l.digest}`);
  }
}
