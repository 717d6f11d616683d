import { symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digestHex } from '../../digest/digest.js';
import { integrityError } from '../../errors.js';
import { MediaType } from '../../oci/media-types.js';
import { createOwnedDir, sweepOwnedDirs } from '../../store/staging.js';
import type { BaseImage } from '../types.js';
import { handoverName } from './digest-froms.js';
import type { Buildah } from './engine.js';

interface BuildahImage {
  id: string;
  names: string[];
}

/** buildah reads `oci:DIR` as the image name `localhost/DIR`: lower case, docker path components only. */
const NAMEABLE = /^(\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+$/;

/**
 * Hand-over layouts live outside the store (its `.hubctl` path is no docker name), each with an owner
 * lock beside it, so the layout of a build killed mid-hand-over is removed by the next hand-over.
 */
const HANDOVER_PREFIX = 'hubctl-handover-';

const bareId = (id: string) => id.trim().replace(/^sha256:/, '');

async function listImages(b: Buildah): Promise<BuildahImage[]> {
  const out = await b.must(['images', '--json', '--no-trunc'], 'listing its images');
  const parsed = (JSON.parse(out.trim() || '[]') ?? []) as Array<{ id?: string; names?: string[] | null }>;
  return parsed.map((i) => ({ id: bareId(String(i.id ?? '')), names: i.names ?? [] }));
}

/**
 * Makes each base image the Dockerfile reads available in buildah's storage under its full docker
 * name (`docker.io/library/centos:7`; see handoverName for digest references), from hubctl's store (no second pull, hubctl's credentials):
 * an image buildah already has is only (re)tagged; a new one is read through a throw-away OCI
 * layout whose `blobs` is a symlink to the store's. A name that moves to a new image leaves the old
 * one without names; it is removed, so the storage holds one image per base name.
 */
export async function handOverBases(b: Buildah, storeRoot: string, bases: readonly BaseImage[], o: { tmpDir?: string }): Promise<void> {
  let images = await listImages(b);
  for (const base of bases) {
    const id = digestHex(base.manifest.config.digest);
    const name = handoverName(base.ref);
    const holder = images.find((i) => i.names.includes(name));
    if (holder?.id === id) continue;
    if (images.some((i) => i.id === id)) await b.must(['tag', id, name], `tagging ${base.ref}`);
    else await pullFromStore(b, storeRoot, base, id, name, o.tmpDir);
    if (holder && holder.names.length === 1) await b.run(['rmi', holder.id]); // may be in use by another build: then it stays
    images = await listImages(b);
  }
}

async function pullFromStore(
  b: Buildah,
  storeRoot: string,
  base: BaseImage,
  id: string,
  name: string,
  tmpDir: string | undefined,
): Promise<void> {
  const parent = [tmpDir, tmpdir(), '/tmp'].find((d): d is string => d !== undefined && NAMEABLE.test(d)) ?? '/tmp';
  await sweepOwnedDirs(parent, HANDOVER_PREFIX).catch(() => undefined);
  const owned = await createOwnedDir(parent, HANDOVER_PREFIX);
  const layout = owned.path;
  try {
    const entry = { ...base.manifestDescriptor, annotations: { 'org.opencontainers.image.ref.name': 'base' } };
    delete (entry as { platform?: unknown }).platform;
    await writeFile(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    await writeFile(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [entry] }));
    await symlink(join(storeRoot, 'blobs'), join(layout, 'blobs'));
    const p = base.config;
    const platform = [p.os, p.architecture, p.variant].filter(Boolean).join('/');
    const out = await b.must(
      ['pull', '--quiet', '--authfile', b.paths.authFile, '--platform', platform, `oci:${layout}:base`],
      `reading ${base.ref} from hubctl's store`,
    );
    const got = out.trim().split('\n').at(-1) ?? '';
    if (bareId(got) !== id) {
      throw integrityError('BUILDAH_BASE_MISMATCH', `buildah read ${base.ref} as image ${got}, expected ${id}`);
    }
    await b.must(['tag', id, name], `tagging ${base.ref}`);
    // The pull named the image after the layout's path; only the docker name is wanted.
    await b.run(['rmi', `localhost${layout}:latest`]);
  } finally {
    await owned.remove();
  }
}
