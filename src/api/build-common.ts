import { baseImageSource } from '../builder/base-image.js';
import type { BaseImage, BaseImageSource, BuildLog, ImageFormat } from '../builder/types.js';
import { HubctlError } from '../errors.js';
import { parsePlatform } from '../oci/platform.js';
import type { Platform } from '../oci/types.js';
import type { ImageStore } from '../store/image-store.js';
import type { Client } from './client.js';
import { pull, type PullEvent } from './pull.js';

export interface CommonBuildOptions {
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

/** Base images come from the store; one that is missing is pulled first (for the wanted platform). */
export function baseSource(client: Client, options: CommonBuildOptions): BaseImageSource {
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

/**
 * Runs a build in a staging directory of the store's (`.hubctl/tmp/hubctl-build-*`, on the store's
 * filesystem so layers are renamed in), removed when the build ends and swept if the process dies
 * (store/staging.ts). Native and buildah builds, and a git context's checkout, all live in it.
 */
export async function withStaging<T>(store: ImageStore, build: (tmpDir: string) => Promise<T>): Promise<T> {
  const staging = await store.createStagingDir('hubctl-build-');
  try {
    return await build(staging.path);
  } finally {
    await staging.remove();
  }
}

export function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
