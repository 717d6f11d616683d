// index.json entries other tools wrote: one whose digest is not a digest is skipped with a warning
// (the rest of the store stays usable); names outside docker's grammar (`MyTag`, `latest` alone, a
// repository without a tag) are listed and usable under their raw name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hubctl } from './run-cli.js';

let root: string;
let env: NodeJS.ProcessEnv;
let digest: string;
const EVIL = 'sha256:../../etc/passwd';
const RAW = ['MyTag', 'latest', 'docker.io/library/notag'];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-foreign-'));
  env = { HOME: root, HUBCTL_STORE: join(root, 'store'), DOCKER_CONFIG: join(root, 'docker') };
  await mkdir(join(root, 'layer'));
  await writeFile(join(root, 'layer', 'f'), 'x');
  const b = await hubctl(['build', '-q', '-t', 'real/image:1', '--layer', join(root, 'layer')], { env });
  expect(b.code, b.stderr).toBe(0);
  const indexPath = join(root, 'store', 'index.json');
  const index = JSON.parse(await readFile(indexPath, 'utf8')) as {
    manifests: { digest: string; mediaType: string; size: number; annotations?: Record<string, string> }[];
  };
  const real = index.manifests[0]!;
  digest = real.digest;
  index.manifests.push({ ...real, digest: EVIL, annotations: { 'org.opencontainers.image.ref.name': 'docker.io/evil/x:1' } });
  for (const name of RAW) index.manifests.push({ ...real, annotations: { 'org.opencontainers.image.ref.name': name } });
  await writeFile(indexPath, JSON.stringify(index));
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('entries other tools wrote', () => {
  it('images skips the entry with a digest that is not one, with a warning, and lists the rest', async () => {
    const r = await hubctl(['images'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`WARNING: skipping the image store entry "docker.io/evil/x:1": its digest "${EVIL}" is not a valid digest\n`);
    expect(r.stdout).toMatch(/^real\/image\s+1\s/m);
  });

  it('names outside docker grammar are listed under their raw name', async () => {
    const r = await hubctl(['images', '--format', 'json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { Repository: string; Tag: string; Reference: string; Digest: string });
    for (const name of RAW)
      expect(rows).toContainEqual(expect.objectContaining({ Repository: name, Tag: '<none>', Reference: name, Digest: digest }));
    expect(rows.map((x) => x.Reference)).not.toContain('docker.io/evil/x:1');
  });

  it('images filters: raw names are not dangling (image prune keeps them); a pattern equal to one, or a glob, finds it', async () => {
    const refs = async (...args: string[]) => {
      const r = await hubctl(['images', '--format', '{{.Reference}}', ...args], { env });
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.split('\n').filter(Boolean).sort();
    };
    expect(await refs('--filter', 'dangling=true')).toEqual([]);
    expect(await refs('MyTag')).toEqual(['MyTag']);
    expect(await refs('--filter', 'reference=My*')).toEqual(['MyTag']);
    const prune = await hubctl(['image', 'prune', '-f'], { env });
    expect(prune.code, prune.stderr).toBe(0);
    expect(await refs()).toEqual([...RAW, 'docker.io/real/image:1'].sort());
  });

  it('the raw names work with inspect, tag, save and rmi; rmi (and its gc) works beside the bad entry', async () => {
    for (const name of ['MyTag', 'latest']) {
      const i = await hubctl(['inspect', '--raw', name], { env });
      expect(i.code, i.stderr).toBe(0);
      expect(JSON.parse(i.stdout).digest).toBe(digest);
      // docker's shape: the entry's content; a raw name is no RepoTag (`latest` alone is not latest:latest)
      const [d] = JSON.parse((await hubctl(['inspect', name], { env })).stdout) as { Descriptor: { digest: string }; RepoTags: string[] }[];
      expect(d!.Descriptor.digest).toBe(digest);
      expect(d!.RepoTags).not.toContain('latest:latest');
      expect(d!.RepoTags).not.toContain('MyTag');
    }
    expect((await hubctl(['tag', 'MyTag', 'renamed/by-raw:1'], { env })).code).toBe(0);
    const s = await hubctl(['save', '-o', join(root, 'raw.tar'), 'MyTag'], { env });
    expect(s.code, s.stderr).toBe(0);
    const rm1 = await hubctl(['rmi', 'MyTag'], { env });
    expect(rm1.code, rm1.stderr).toBe(0);
    const after = await hubctl(['images', '--format', '{{.Reference}}'], { env });
    expect(after.stdout.split('\n')).not.toContain('MyTag');
    expect(after.stdout.split('\n')).toContain('docker.io/renamed/by-raw:1');
  });
});
