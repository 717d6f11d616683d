import { buildImage, type BuildImageOptions, type BuildResult } from '../builder/image-builder.js';
import { formatReference, parseReference } from '../ref/reference.js';
import { baseSource, pick, withStaging, type CommonBuildOptions } from './build-common.js';
import type { Client } from './client.js';

export type { BuildResult } from '../builder/image-builder.js';
export type { CommonBuildOptions } from './build-common.js';
export { buildFromDockerfile, type DockerfileBuildApiOptions, type DockerfileBuildResult } from './build-dockerfile.js';

export interface LayerBuildOptions
  extends CommonBuildOptions,
    Pick<BuildImageOptions, 'cmd' | 'entrypoint' | 'env' | 'labels' | 'workdir' | 'user' | 'expose'> {
  /** `scratch` (default) or a base image reference. */
  from?: string;
  /** Each a tar, a gzipped tar or a directory. */
  layers?: string[];
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

const normalize = (ref: string) => formatReference(parseReference(ref));
