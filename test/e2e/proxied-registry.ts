import { afterAll, beforeAll, beforeEach } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, seedImageDetailed, startFaultProxy, type Registry, type FaultProxy, type LayerBlob } from '../harness/index.mjs';

/** A registry with one seeded image behind a fault proxy, and a temp dir for the runs of one test file. */
export interface ProxiedRegistry {
  reg: Registry;
  proxy: FaultProxy;
  root: string;
  /** The seeded image's layers, in order, and its config digest. */
  layers: LayerBlob[];
  config: string;
  /** The largest layer. */
  big: LayerBlob;
  /** A fresh store, docker config and HOME for one run, plus `extra`. */
  envFor(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
}

/**
 * vitest hooks for a test file: before all, an open registry with `image` seeded (layers of these
 * sizes) behind a fault proxy; the proxy's rules and log cleared before each test; everything stopped
 * and removed after all. The returned object is filled in by the time the tests run.
 */
export function useProxiedRegistry(image: string, layers: number[], tempPrefix: string): ProxiedRegistry {
  let n = 0;
  const ctx = {
    envFor(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
      const dir = join(ctx.root, `run-${++n}`);
      return { HUBCTL_STORE: join(dir, 'store'), DOCKER_CONFIG: join(dir, 'docker'), HOME: dir, ...extra };
    },
  } as ProxiedRegistry;
  beforeAll(async () => {
    ctx.reg = await startRegistry({ mode: 'open' });
    ctx.root = await mkdtemp(join(tmpdir(), tempPrefix));
    const seeded = await seedImageDetailed(ctx.reg, image, { layers });
    ctx.layers = seeded.layout.images[0]!.layers;
    ctx.config = seeded.layout.images[0]!.config.digest;
    ctx.big = ctx.layers.reduce((a, b) => (a.size >= b.size ? a : b));
    ctx.proxy = await startFaultProxy({ upstream: ctx.reg.host });
  });
  afterAll(async () => {
    await ctx.proxy?.close();
    await ctx.reg?.stop();
    if (ctx.root) await rm(ctx.root, { recursive: true, force: true });
  });
  beforeEach(() => ctx.proxy?.clear());
  return ctx;
}
