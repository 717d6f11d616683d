import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { baseImageSource } from '../builder/base-image.js';
import type { BaseImage, BaseImageSource, BuildLog, ImageFormat } from '../builder/types.js';
import { HubctlError } from '../errors.js';
import { parsePlatform } from '../oci/platform.js';
import type { Platform } from '../oci/types.js';
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

/** The store's own temp dir (same filesystem: built blobs are renamed in). */
export async function tmpDirOf(storeRoot: string): Promise<string> {
  const dir = join(storeRoot, '.hubctl', 'tmp');
  await mkdir(dir, { recursive: true });
  return dir;
}

export function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
