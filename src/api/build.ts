import { buildImage, type BuildImageOptions, type BuildResult } from '../builder/image-builder.js';
import { buildDockerfile } from '../builder/dockerfile-build.js';
import { baseImageSource } from '../builder/base-image.js';
import type { BaseImage, BaseImageSource, BuildLog, ImageFormat } from '../builder/types.js';
import { HubctlError } from '../errors.js';
import { formatReference, parseReference } from '../ref/reference.js';
import { formatPlatform, parsePlatform } from '../oci/platform.js';
import type { Platform } from '../oci/types.js';
import type { ImageStore } from '../store/image-store.js';
import type { Client } from './client.js';
import { pull, type PullEvent } from './pull.js';

export type { BuildResult } from '../builder/image-builder.js';

interface CommonBuildOptions {
  /** Full or short references to tag the result with (`user/app:1`). */
  tags?: string[];
  platform?: Platform;
  format?: ImageFormat;
  /** SOURCE_DATE_EPOCH: mtimes of tarred directories and every `created` (default 0). */
  sourceDateEpoch?: number;
  /** Layers compressed at once (default: twice the CPUs, at most the libuv threadpool size; see src/builder/pool.ts). */
  concurrency?: number;
  signal?: AbortSignal;
  onLog?: BuildLog;
  /** Pull a base image that is not in the store (default true). */
  pullMissingBase?: boolean;
  onPullEvent?: (event: PullEvent) => void;
}

export interface LayerBuildOptions
  extends CommonBuildOptions,
    Pick<BuildImageOptions, 'cmd' | 'entrypoint' | 'env' | 'labels' | 'workdir' | 'user' | 'expose'> {
  /** `scratch` (default) or a base image reference. */
  from?: string;
  /** Each a tar, a gzipped tar or a directory. */
  layers?: string[];
}

export interface DockerfileBuildApiOptions extends CommonBuildOptions {
  contextDir: string;
  /** Path of the Dockerfile (default `<context>/Dockerfile`). */
  dockerfile?: string;
  buildArgs?: Record<string, string>;
}

/** `hubctl build --layer ...`: an image from local tar layers on scratch or a base image. */
export async function buildFromLayers(client: Client, options: LayerBuildOptions): Promise<BuildResult> {
  const store = await client.store();
  const source = baseSource(client, options);
  const from =
    options.from === undefined || options.from === 'scratch'
      ? 'scratch'
      : await source.getBaseImage(normalize(options.from), options.platform);
  return withStaging(store, (tmpDir) =>
    buildImage({
      storage: store,
      tagger: store,
      from,
      ...(options.layers ? { layers: options.layers } : {}),
      ...pick(options, [
        'cmd',
        'entrypoint',
        'env',
        'labels',
        'workdir',
        'user',
        'expose',
        'format',
        'sourceDateEpoch',
        'concurrency',
        'onLog',
        'signal',
      ]),
      ...(options.platform ? { platform: options.platform } : {}),
      ...(options.tags ? { tags: options.tags } : {}),
      tmpDir,
    }),
  );
}

/** `hubctl build -f Dockerfile CONTEXT`: Dockerfiles that need no container (no RUN). */
export async function buildFromDockerfile(client: Client, options: DockerfileBuildApiOptions): Promise<BuildResult> {
  const store = await client.store();
  return withStaging(store, (tmpDir) =>
    buildDockerfile({
      storage: store,
      tagger: store,
      baseSource: baseSource(client, options),
      contextDir: options.contextDir,
      ...pick(options, ['dockerfile', 'buildArgs', 'format', 'sourceDateEpoch', 'concurrency', 'onLog', 'signal']),
      ...(options.platform ? { platform: formatPlatform(options.platform) } : {}),
      ...(options.tags ? { tags: options.tags } : {}),
      tmpDir,
    }),
  );
}

/** Base images come from the store; one that is missing is pulled first (for the wanted platform). */
function baseSource(client: Client, options: CommonBuildOptions): BaseImageSource {
  return {
    async getBaseImage(ref: string, platform?: Platform | string): Promise<BaseImage> {
      const store = await client.store();
      const local = baseImageSource(store);
      const wanted = typeof platform === 'string' ? parsePlatform(platform) : platform;
      try {
        return await local.getBaseImage(ref, wanted);
      } catch (e) {
        if (!(e instanceof HubctlError && e.code === 'BASE_IMAGE_NOT_FOUND') || options.pullMissingBase === false) throw e;
      }
      await pull(client, ref, {
        ...(wanted ? { platform: wanted } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onPullEvent ? { onEvent: options.onPullEvent } : {}),
      });
      return local.getBaseImage(ref, wanted);
    },
  };
}

const normalize = (ref: string) => formatReference(parseReference(ref));

/**
 * Runs a build in a staging directory of the store's (`.hubctl/tmp/hubctl-build-*`, on the store's
 * filesystem so layers are renamed in), removed when the build ends and swept if the process dies.
 */
async function withStaging<T>(store: ImageStore, build: (tmpDir: string) => Promise<T>): Promise<T> {
  const staging = await store.createStagingDir('hubctl-build-');
  try {
    return await build(staging.path);
  } finally {
    await staging.remove();
  }
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
