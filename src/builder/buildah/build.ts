import { randomBytes } from 'node:crypto';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Storage } from '../../content/types.js';
import type { Platform } from '../../oci/types.js';
import { familiarString, parseReference } from '../../ref/reference.js';
import { planStages } from '../dockerfile-stages.js';
import type { ParsedDockerfile } from '../dockerfile.js';
import { normalizeTags, type BuildResult } from '../image-builder.js';
import type { BaseImage, BaseImageSource, BuildLog, ImageFormat, Tagger } from '../types.js';
import { Buildah, buildahMessage, type Env, type StorageDriver } from './engine.js';
import { rewriteDigestFroms } from './digest-froms.js';
import { handOverBases } from './handover.js';
import { importBuildahImage } from './import.js';
import { BudOutput } from './output.js';
import { pruneUnnamed, registerBuild, removeImages } from './prune.js';

export interface BuildahBuildOptions {
  /** The buildah program (a path found on PATH). */
  buildah: string;
  storage: Storage;
  tagger?: Tagger;
  /** hubctl's store (an OCI layout): bases are handed over from its blobs; buildah's state lives in `.hubctl/buildah`. */
  storeRoot: string;
  baseSource: BaseImageSource;
  contextDir: string;
  /** The Dockerfile's path and its parsed text. */
  dockerfile: string;
  parsed: ParsedDockerfile;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  target?: string;
  platform?: Platform;
  format?: ImageFormat;
  /** buildah's `--timestamp`: created times and file times in the new layers. */
  sourceDateEpoch?: number;
  tags?: string[];
  /** Temp dir on the store's filesystem. */
  tmpDir: string;
  /** buildah's storage driver for a new storage (default: overlay when it works here, else vfs). */
  storageDriver?: StorageDriver;
  /** buildah's environment (PATH, HOME...); its own configuration variables are replaced. */
  env: Env;
  concurrency?: number;
  signal?: AbortSignal;
  onLog?: BuildLog;
  /**
   * Told about a wait without log lines (buildah's storage set up, the bases handed over); returns what
   * to call when it ends. The CLI shows a spinner.
   */
  onWait?: (what: string) => (() => void) | undefined;
}

/** Where buildah keeps its images and state for a store (a cache: removing it loses nothing). */
export const buildahDir = (storeRoot: string) => join(storeRoot, '.hubctl', 'buildah');

/**
 * Runs a Dockerfile that needs a container (RUN, several stages) through buildah: bases handed over
 * from hubctl's store, `buildah bud` in chroot isolation with one layer per instruction, the result
 * exported uncompressed and imported into the store, then every image this build made is removed
 * from buildah's storage (only the base images stay, ready for the next build).
 */
export async function buildWithBuildah(o: BuildahBuildOptions): Promise<BuildResult> {
  const log = o.onLog ?? (() => undefined);
  const tags = normalizeTags(o.tags, o.tagger);
  const format = o.format ?? 'oci';
  const plan = planStages(o.parsed, {
    ...(o.buildArgs ? { buildArgs: o.buildArgs } : {}),
    ...(o.platform ? { platform: o.platform } : {}),
    ...(o.target !== undefined ? { target: o.target } : {}),
  });
  const bases: BaseImage[] = [];
  for (const img of plan.images) bases.push(await o.baseSource.getBaseImage(img.ref, img.platform));

  const work = await mkdtemp(join(o.tmpDir, 'hubctl-buildah-'));
  const name = `localhost/hubctl-build-${randomBytes(8).toString('hex')}:latest`;
  const out = new BudOutput(log);
  let built = false;
  let waitEnded = o.onWait?.('Starting buildah');
  const endWait = () => {
    waitEnded?.();
    waitEnded = undefined;
  };
  let b: Buildah;
  try {
    b = await Buildah.open(o.buildah, buildahDir(o.storeRoot), {
      env: o.env,
      tmpDir: work,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.storageDriver ? { driver: o.storageDriver } : {}),
    });
  } catch (e) {
    endWait();
    await rm(work, { recursive: true, force: true });
    throw e;
  }
  const unregister = await registerBuild(b.paths.dir);
  try {
    await handOverBases(b, o.storeRoot, bases, {});
    endWait();
    const rewritten = rewriteDigestFroms(await readFile(o.dockerfile, 'utf8'), plan.stages, o.parsed.escape);
    const dockerfile = rewritten === undefined ? resolve(o.dockerfile) : join(work, 'Dockerfile');
    if (rewritten !== undefined) await writeFile(dockerfile, rewritten);
    const r = await b.run(await budArgs(o, b, format, name, dockerfile), (line) => out.line(line));
    if (r.code !== 0) throw out.failure(buildahMessage(r), plan.stages);
    built = true;
    const exported = join(work, 'image');
    await b.must(
      [
        'push',
        '--quiet',
        '--disable-compression',
        '--format',
        format === 'docker' ? 'v2s2' : 'oci',
        '--authfile',
        b.paths.authFile,
        name,
        `dir:${exported}`,
      ],
      'exporting the image',
    );
    const result = await importBuildahImage(exported, {
      storage: o.storage,
      ...(o.tagger ? { tagger: o.tagger } : {}),
      format,
      tags,
      bases,
      tmpDir: work,
      ...(o.concurrency ? { concurrency: o.concurrency } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    log(`Successfully built ${result.configDigest.slice(7, 19)}`);
    for (const t of tags) log(`Successfully tagged ${familiarString(parseReference(t))}`);
    return result;
  } finally {
    endWait();
    // Not under the build's signal: after Ctrl-C, buildah has removed its container; this removes the images.
    const quiet = b.withoutSignal();
    await removeImages(quiet, built ? [name, ...out.images] : out.images).catch(() => undefined);
    await unregister();
    await pruneUnnamed(quiet).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

async function budArgs(o: BuildahBuildOptions, b: Buildah, format: ImageFormat, name: string, dockerfile: string): Promise<string[]> {
  const args = ['bud', '--isolation', 'chroot', '--pull=never', '--layers', '--force-rm', '--identity-label=false'];
  args.push('--format', format, '--authfile', b.paths.authFile, '-f', dockerfile, '-t', name);
  for (const [k, v] of Object.entries(o.buildArgs ?? {})) args.push('--build-arg', `${k}=${v}`);
  for (const [k, v] of Object.entries(o.labels ?? {})) args.push('--label', `${k}=${v}`);
  if (o.target !== undefined) args.push('--target', o.target);
  if (o.platform) args.push('--platform', [o.platform.os, o.platform.architecture, o.platform.variant].filter(Boolean).join('/'));
  if (o.sourceDateEpoch !== undefined) args.push('--timestamp', String(o.sourceDateEpoch));
  // BuildKit's <Dockerfile>.dockerignore next to the Dockerfile wins over the context's, as on the native path.
  const own = `${resolve(o.dockerfile)}.dockerignore`;
  if (
    await access(own).then(
      () => true,
      () => false,
    )
  )
    args.push('--ignorefile', own);
  args.push(resolve(o.contextDir));
  return args;
}
