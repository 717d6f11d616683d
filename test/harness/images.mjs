// Seed test images into a registry without docker: write an OCI layout, push it with skopeo.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeImageLayout } from './oci-layout.mjs';
import { skopeoCopy, defaultCreds } from './skopeo.mjs';

export { writeImageLayout, writeJsonBlob, MT } from './oci-layout.mjs';
export { writeTarGzLayer, contentStream } from './layers.mjs';
export { skopeoCopy, skopeoInspect, skopeoInspectText, skopeoDigest, runSkopeo, runUmoci, remoteFlags, defaultCreds } from './skopeo.mjs';

/**
 * @typedef {import('./oci-layout.mjs').ImageSpec & {
 *   format?: 'oci' | 'v2s2', creds?: import('./skopeo.mjs').Creds, layoutDir?: string, keepLayout?: boolean,
 *   tmpDir?: string, timeoutMs?: number,
 * }} SeedOptions
 *   creds: undefined = the user named by the repo's first path component (else the first user) on auth
 *   registries; null = anonymous. layoutDir: build there and keep it (else a temp dir under tmpDir, removed).
 */

/**
 * Split `repo:tag` (no host) into repo and tag (default `latest`).
 * @param {string} ref
 */
export function splitRepoTag(ref) {
  const at = ref.indexOf('@');
  if (at >= 0) throw new Error(`seedImage: give repo:tag, not a digest reference (${ref})`);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { repo: ref, tag: 'latest' };
}

/**
 * Build and push a test image; returns the pushed digest plus what was built.
 * @param {import('./skopeo.mjs').RegistryLike} registry
 * @param {string} ref `ns/repo:tag` on that registry
 * @param {SeedOptions} [opts]
 */
export async function seedImageDetailed(registry, ref, opts = {}) {
  const { repo, tag } = splitRepoTag(ref);
  const ownTmp = opts.layoutDir ? null : await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'hubctl-seed-'));
  const dir = opts.layoutDir ?? join(/** @type {string} */ (ownTmp), 'layout');
  try {
    const layout = await writeImageLayout(dir, tag, opts);
    const creds = opts.creds === undefined ? defaultCreds(registry, repo) : opts.creds;
    const digest = await skopeoCopy(`oci:${dir}:${tag}`, `docker://${registry.host}/${repo}:${tag}`, {
      dest: { registry, creds },
      format: opts.format,
      timeoutMs: opts.timeoutMs,
    });
    return { digest, ref: `${registry.host}/${repo}:${tag}`, repo, tag, layout };
  } finally {
    if (ownTmp && !opts.keepLayout) await rm(ownTmp, { recursive: true, force: true });
  }
}

/**
 * Build and push a test image; resolves with the manifest digest skopeo reports (--digestfile).
 * @param {import('./skopeo.mjs').RegistryLike} registry
 * @param {string} ref `ns/repo:tag`
 * @param {SeedOptions} [opts]
 * @returns {Promise<string>}
 */
export async function seedImage(registry, ref, opts = {}) {
  return (await seedImageDetailed(registry, ref, opts)).digest;
}
