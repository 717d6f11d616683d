/** `pull --all-tags` against the real distribution registry: every tag skopeo list-tags lists is pulled. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { remoteFlags, runSkopeo, seedImage, skopeoDigest, startRegistry, type Registry } from '../../harness/index.mjs';
import { closeAllTransports, createClient, pullAllTags, type PullEvent } from '../../../src/index.js';

let reg: Registry;
let root: string;

beforeAll(async () => {
  reg = await startRegistry({ mode: 'open' });
  root = await mkdtemp(join(tmpdir(), 'hubctl-pull-all-'));
  await Promise.all([
    seedImage(reg, 'team/app:1', { layers: [2000, 300_000] }),
    seedImage(reg, 'team/app:2', { multiArch: true, layers: [1000] }),
    seedImage(reg, 'team/app:v2s2', { format: 'v2s2', layers: [3000] }),
    seedImage(reg, 'team/app:armonly', { platforms: [{ os: 'linux', architecture: 'arm64' }], layers: [500] }),
    seedImage(reg, 'team/other:1', { layers: [100] }),
  ]);
}, 120_000);

afterAll(async () => {
  await closeAllTransports();
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

const client = (platform = { os: 'linux', architecture: 'amd64' }) =>
  createClient({ storeRoot: join(root, `s-${platform.architecture}`), platform });

async function skopeoTags(repo: string): Promise<string[]> {
  const { stdout } = await runSkopeo(['list-tags', ...remoteFlags('', { registry: reg }).args, `docker://${reg.host}/${repo}`]);
  return (JSON.parse(stdout) as { Tags: string[] }).Tags.sort();
}

describe('pull --all-tags', () => {
  it('pulls every tag skopeo list-tags lists; a tag without this platform is reported, the others are stored', async () => {
    const c = client();
    const events: PullEvent[] = [];
    const r = await pullAllTags(c, `${reg.host}/team/app`, { onEvent: (e) => events.push(e) });
    const listed = await skopeoTags('team/app');
    expect(listed).toEqual(['1', '2', 'armonly', 'v2s2']);
    expect(r.repository).toBe(`${reg.host}/team/app`);
    expect(r.pulled.map((p) => p.parsed.tag).sort()).toEqual(['1', '2', 'v2s2']);
    expect(r.failed).toEqual([expect.objectContaining({ tag: 'armonly', error: expect.objectContaining({ code: 'PLATFORM_NOT_FOUND' }) })]);
    const stored = (await (await c.store()).list()).map((e) => e.ref).sort();
    expect(stored).toEqual(['1', '2', 'v2s2'].map((t) => `${reg.host}/team/app:${t}`));
    for (const p of r.pulled) expect(p.digest).toBe(await skopeoDigest(`${reg.host}/team/app:${p.parsed.tag}`, { registry: reg }));
    expect(
      events
        .filter((e) => e.type === 'pulling')
        .map((e) => (e as { tag: string }).tag)
        .sort(),
    ).toEqual(listed);
    await c.close();
  });

  it('with the platform every tag has, all of them come', async () => {
    const c = client({ os: 'linux', architecture: 'arm64' });
    const r = await pullAllTags(c, `${reg.host}/team/app`, { platform: { os: 'linux', architecture: 'arm64' } });
    // v2s2 and 1 are amd64-only single images: pulled as they are (no index to choose from)
    expect(r.failed).toEqual([]);
    expect(r.pulled).toHaveLength(4);
    await c.close();
  });

  it('refuses a reference with a tag, and a repository without tags is not found', async () => {
    const c = client();
    await expect(pullAllTags(c, `${reg.host}/team/app:1`)).rejects.toMatchObject({ kind: 'usage', code: 'TAG_WITH_ALL_TAGS' });
    await expect(pullAllTags(c, `${reg.host}/team/nothing`)).rejects.toMatchObject({ kind: 'notfound' });
    await c.close();
  });
});
