import { describe, expect, it } from 'vitest';
import { copyGraph, requiredSuccessors, walkGraph, type CopyEvent } from '../../../src/content/index.js';
import type { Descriptor } from '../../../src/oci/types.js';
import { buildGraph, MemoryStore } from './memory.js';

const count = (log: string[], digest: string) => log.filter((l) => l.split(' ')[1] === digest).length;
const position = (log: string[], digest: string) => log.findIndex((l) => l.split(' ')[1] === digest);

describe('copyGraph', () => {
  it('writes every successor before its manifest, and the index last', async () => {
    const src = new MemoryStore();
    const g = buildGraph(src);
    const dst = new MemoryStore();
    await copyGraph(src, dst, g.index);
    for (const m of [g.amd64, g.arm64]) {
      for (const d of [g.shared, g.config]) expect(position(dst.log, d.digest)).toBeLessThan(position(dst.log, m.digest));
    }
    for (const l of g.layers) expect(position(dst.log, l.digest)).toBeGreaterThanOrEqual(0);
    expect(dst.log.at(-1)).toBe(`put ${g.index.digest}`);
    expect(dst.blobs.size).toBe(src.blobs.size);
  });

  it('copies a blob shared by several manifests once, even when they are copied at the same time', async () => {
    const src = new MemoryStore();
    const g = buildGraph(src);
    const dst = new MemoryStore();
    const events: CopyEvent[] = [];
    const r = await copyGraph(src, dst, g.index, { concurrency: 8, onEvent: (e) => events.push(e) });
    expect(count(dst.log, g.shared.digest)).toBe(1);
    expect(count(dst.log, g.config.digest)).toBe(1);
    expect(r).toMatchObject({ transferred: 2 + g.layers.length, existed: 0, mounted: 0, skipped: 0 });
    // announced once each, though both images list them
    expect(events.filter((e) => e.type === 'queued' && e.descriptor.digest === g.shared.digest)).toHaveLength(1);
  });

  it('finds blobs the destination holds and does not copy them again', async () => {
    const src = new MemoryStore();
    const g = buildGraph(src);
    const dst = new MemoryStore();
    dst.blobs.set(g.shared.digest, Buffer.from('base layer'));
    const events: CopyEvent[] = [];
    const r = await copyGraph(src, dst, g.amd64, { onEvent: (e) => events.push(e) });
    expect(count(dst.log, g.shared.digest)).toBe(0);
    expect(r.existed).toBe(1);
    expect(events).toContainEqual({ type: 'exists', descriptor: g.shared, role: 'layer' });
  });

  it('keeps at most `concurrency` transfers running over the whole graph', async () => {
    const src = new MemoryStore();
    const g = buildGraph(src, 6);
    const dst = new MemoryStore();
    let open!: () => void;
    dst.gate = new Promise<void>((r) => {
      open = r;
    });
    const events: CopyEvent[] = [];
    const copying = copyGraph(src, dst, g.index, { concurrency: 3, onEvent: (e) => events.push(e) });
    await new Promise((r) => setTimeout(r, 20));
    expect(dst.running).toBe(3);
    expect(events.some((e) => e.type === 'waiting')).toBe(true);
    open();
    await copying;
    expect(dst.maxRunning).toBe(3);
  });

  it('mounts from the repositories mountFrom names, and uploads what the registry will not mount', async () => {
    const src = new MemoryStore();
    const g = buildGraph(src);
    const dst = new MemoryStore();
    dst.enableMount();
    dst.mountable.add('library/base');
    const events: CopyEvent[] = [];
    const r = await copyGraph(src, dst, g.amd64, {
      mountFrom: (d: Descriptor) => (d.digest === g.config.digest ? ['elsewhere'] : ['library/base']),
      onEvent: (e) => events.push(e),
    });
    expect(r.mounted).toBe(4); // the shared base and the three amd64 layers
    expect(r.transferred).toBe(1); // the config: its candidate does not hold it
    expect(dst.log).toContain(`mount ${g.shared.digest} library/base`);
    expect(dst.log).toContain(`ingest ${g.config.digest}`);
    expect(events.filter((e) => e.type === 'mounted')).toHaveLength(4);
  });

  it('skips an optional child the source lacks (a platform not pulled), and fails on a required one', async () => {
    const src = new MemoryStore();
    const g = buildGraph(src);
    src.blobs.delete(g.arm64.digest);
    const dst = new MemoryStore();
    const events: CopyEvent[] = [];
    const r = await copyGraph(src, dst, g.index, { onEvent: (e) => events.push(e) });
    expect(r.skipped).toBe(1);
    expect(events).toContainEqual({ type: 'skipped', descriptor: g.arm64, role: 'manifest' });
    expect(dst.blobs.has(g.index.digest)).toBe(true);
    expect(dst.blobs.has(g.amd64.digest)).toBe(true);

    const strict = new MemoryStore();
    await expect(copyGraph(src, strict, g.index, { successors: requiredSuccessors() })).rejects.toMatchObject({ kind: 'notfound' });
    expect(strict.blobs.has(g.index.digest)).toBe(false);
  });

  it('skips a foreign layer the source does not serve', async () => {
    const src = new MemoryStore();
    const config = src.add(Buffer.from('{}'), 'application/vnd.oci.image.config.v1+json');
    const foreign: Descriptor = {
      mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
      digest: `sha256:${'f'.repeat(64)}`,
      size: 10,
      urls: ['https://example.invalid/layer'],
    };
    const m = src.add(
      Buffer.from(JSON.stringify({ schemaVersion: 2, config, layers: [foreign] })),
      'application/vnd.oci.image.manifest.v1+json',
    );
    const dst = new MemoryStore();
    const r = await copyGraph(src, dst, m);
    expect(r).toMatchObject({ skipped: 1, transferred: 1 });
    expect(dst.blobs.has(m.digest)).toBe(true);
  });

  it('stops on an abort: nothing new starts, what runs settles, no manifest is written', async () => {
    const src = new MemoryStore();
    const g = buildGraph(src, 4);
    const dst = new MemoryStore();
    let open!: () => void;
    dst.gate = new Promise<void>((r) => {
      open = r;
    });
    const ac = new AbortController();
    const copying = copyGraph(src, dst, g.index, { concurrency: 2, signal: ac.signal });
    await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    open();
    await expect(copying).rejects.toMatchObject({ kind: 'interrupted' });
    expect(dst.running).toBe(0);
    expect(dst.log.filter((l) => l.startsWith('put'))).toEqual([]);
    expect(dst.blobs.size).toBeLessThanOrEqual(2);
  });

  it('the first failure is thrown once the transfers in flight have settled; the manifests are not written', async () => {
    const src = new MemoryStore();
    const g = buildGraph(src, 4);
    const dst = new MemoryStore();
    dst.failIngest = g.layers[1]!.digest;
    await expect(copyGraph(src, dst, g.index, { concurrency: 3 })).rejects.toMatchObject({ code: 'BOOM' });
    expect(dst.running).toBe(0);
    expect(dst.log.some((l) => l.startsWith('put'))).toBe(false);
  });

  it('does not look below a manifest a registry-like destination already holds', async () => {
    const src = new MemoryStore();
    const g = buildGraph(src);
    const dst = new MemoryStore();
    dst.completeManifests = true;
    dst.blobs.set(g.amd64.digest, src.blobs.get(g.amd64.digest)!);
    await copyGraph(src, dst, g.index);
    const amd64Only = g.layers.slice(0, 3);
    for (const l of amd64Only) expect(dst.blobs.has(l.digest)).toBe(false);
    expect(dst.blobs.has(g.index.digest)).toBe(true);
  });

  it('hands the root to putRoot (a push PUTs it under the tag) and uses the bytes it was given', async () => {
    const src = new MemoryStore();
    const g = buildGraph(src);
    const rootBytes = src.blobs.get(g.index.digest)!;
    src.blobs.delete(g.index.digest);
    const dst = new MemoryStore();
    const roots: string[] = [];
    await copyGraph(src, dst, g.index, {
      rootBytes,
      putRoot: async (d, bytes) => {
        expect(bytes.equals(rootBytes)).toBe(true);
        roots.push(d.digest);
      },
    });
    expect(roots).toEqual([g.index.digest]);
    expect(dst.blobs.has(g.index.digest)).toBe(false);
  });

  it('a successors hook chooses what is copied (one platform, layers top first)', async () => {
    const src = new MemoryStore();
    const g = buildGraph(src);
    const dst = new MemoryStore();
    const successors = requiredSuccessors({ select: (ms) => ms.filter((m) => m.platform?.architecture === 'arm64'), topLayerFirst: true });
    const queued: string[] = [];
    await copyGraph(src, dst, g.index, {
      concurrency: 1,
      successors,
      onEvent: (e) => e.type === 'queued' && queued.push(e.descriptor.digest),
    });
    expect(dst.blobs.has(g.amd64.digest)).toBe(false);
    expect(dst.blobs.has(g.arm64.digest)).toBe(true);
    const arm64Layers = g.layers.slice(3);
    expect(queued.slice(1, 5)).toEqual([...arm64Layers.map((l) => l.digest).reverse(), g.shared.digest]);
  });
});

describe('walkGraph', () => {
  it('lists what is reachable, what is missing (optional or not) and the present in copy order', async () => {
    const src = new MemoryStore();
    const g = buildGraph(src);
    src.blobs.delete(g.arm64.digest);
    src.blobs.delete(g.layers[0]!.digest);
    const walk = await walkGraph(src, [g.index]);
    expect(walk.reachable.has(g.arm64.digest)).toBe(true);
    expect(walk.missing).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ digest: g.arm64.digest, optional: true, parent: g.index.digest }),
        expect.objectContaining({ digest: g.layers[0]!.digest, optional: false, parent: g.amd64.digest, role: 'layer' }),
      ]),
    );
    const order = walk.present.map((d) => d.digest);
    expect(order.at(-1)).toBe(g.index.digest);
    expect(order.indexOf(g.config.digest)).toBeLessThan(order.indexOf(g.amd64.digest));
  });

  it('lists an unreadable manifest as invalid instead of guessing its successors', async () => {
    const src = new MemoryStore();
    const bad = src.add(Buffer.from('not json'), 'application/vnd.oci.image.manifest.v1+json');
    const walk = await walkGraph(src, [bad]);
    expect(walk.invalid).toEqual([expect.objectContaining({ digest: bad.digest })]);
  });
});
