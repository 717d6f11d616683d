// A digest reference names content: `tag SRC repo@sha256:X` and archives whose names claim a digest
// of other content are refused (docker's "refusing to create a tag with a digest reference"), and a
// store entry already named that way (an older hubctl wrote them) is never used by a lookup.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extract, pack } from 'tar-stream';
import { hubctl } from './run-cli.js';

let root: string;
let env: NodeJS.ProcessEnv;
let digestA: string;
let digestB: string;
const A = 'digests/a:1';
const B = 'digests/b:1';

async function manifestDigest(ref: string): Promise<string> {
  const r = await hubctl(['images', '--format', 'json'], { env });
  const row = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { Reference: string; Digest: string })
    .find((x) => x.Reference === `docker.io/${ref}`);
  if (!row) throw new Error(`${ref} not listed: ${r.stdout}${r.stderr}`);
  return row.Digest;
}

/** Copies an archive, dropping entries and rewriting others. */
async function rewriteArchive(from: string, to: string, edit: (name: string, body: Buffer) => Buffer | undefined): Promise<void> {
  const ex = extract();
  const p = pack();
  const written = pipeline(p, createWriteStream(to));
  const reading = pipeline(createReadStream(from), ex);
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    const body = edit(entry.header.name, Buffer.concat(chunks));
    if (body === undefined) continue;
    if (entry.header.type === 'directory') p.entry({ ...entry.header });
    else p.entry({ ...entry.header, size: body.length }, body);
  }
  await reading;
  p.finalize();
  await written;
}

const indexJson = async () => readFile(join(root, 'store', 'index.json'), 'utf8');

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-digests-'));
  env = { HOME: root, HUBCTL_STORE: join(root, 'store'), DOCKER_CONFIG: join(root, 'docker') };
  for (const [name, body] of [
    ['a', 'image A'],
    ['b', 'image B'],
  ] as const) {
    await mkdir(join(root, name), { recursive: true });
    await writeFile(join(root, name, 'which'), body);
    const r = await hubctl(['build', '-q', '-t', `digests/${name}:1`, '--layer', join(root, name)], { env });
    expect(r.code, r.stderr).toBe(0);
  }
  digestA = await manifestDigest(A);
  digestB = await manifestDigest(B);
  await hubctl(['save', '-o', join(root, 'a.tar'), A], { env });
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('digest references cannot name other content', () => {
  it("tag SRC repo@sha256:X is refused with docker's words; the store is unchanged", async () => {
    const before = await indexJson();
    const r = await hubctl(['tag', A, `digests/b@${digestB}`], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error: refusing to create a tag with a digest reference: digests\/b@sha256:/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await indexJson()).toBe(before);
  });

  it('load of a docker archive whose RepoTags holds a digest reference is refused; nothing is loaded', async () => {
    const file = join(root, 'repotags-digest.tar');
    await rewriteArchive(join(root, 'a.tar'), file, (name, body) => {
      if (name === 'index.json' || name === 'oci-layout') return undefined; // a plain docker archive
      if (name !== 'manifest.json') return body;
      const m = JSON.parse(body.toString()) as { RepoTags: string[] }[];
      m[0]!.RepoTags = [`digests/b@${digestB}`];
      return Buffer.from(JSON.stringify(m));
    });
    const other = { ...env, HUBCTL_STORE: join(root, 'other-1') };
    const r = await hubctl(['load', '-i', file], { env: other });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`refusing to create a tag with a digest reference (in the archive's RepoTags): digests/b@${digestB}`);
    expect((await hubctl(['images', '-q'], { env: other })).stdout).toBe('');
  });

  it('load of an OCI archive naming an entry repo@sha256:X for other content is refused', async () => {
    const file = join(root, 'oci-digest-name.tar');
    await rewriteArchive(join(root, 'a.tar'), file, (name, body) => {
      if (name === 'manifest.json') return undefined; // only the OCI view
      if (name !== 'index.json') return body;
      const idx = JSON.parse(body.toString()) as { manifests: { annotations: Record<string, string> }[] };
      idx.manifests[0]!.annotations = { 'io.containerd.image.name': `docker.io/digests/b@${digestB}` };
      return Buffer.from(JSON.stringify(idx));
    });
    const other = { ...env, HUBCTL_STORE: join(root, 'other-2') };
    const r = await hubctl(['load', '-i', file], { env: other });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('refusing to create a tag with a digest reference');
    expect((await hubctl(['images', '-q'], { env: other })).stdout).toBe('');
  });

  it('an entry already named repo@sha256:X for other content is never found: no build on it, no inspect of it', async () => {
    // what an older hubctl's load or tag wrote: the name claims B's digest, the entry is A
    const name = `127.0.0.1:9/digests/base@${digestB}`;
    const index = JSON.parse(await indexJson()) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
    const entryA = index.manifests.find((m) => m.digest === digestA)!;
    index.manifests.push({ ...entryA, annotations: { 'org.opencontainers.image.ref.name': name } });
    await writeFile(join(root, 'store', 'index.json'), JSON.stringify(index));
    const inspect = await hubctl(['inspect', name], { env });
    expect(inspect.code).toBe(4);
    await mkdir(join(root, 'top'), { recursive: true });
    await writeFile(join(root, 'top', 'f'), 'top');
    // not in the store by that digest: build asks the registry (nothing listens on port 9) and fails
    const build = await hubctl(['build', '-q', '-t', 'digests/on-top:1', '--from', name, '--layer', join(root, 'top')], { env });
    expect(build.code).toBe(5);
    expect(build.stderr).toMatch(/^Error: .*127\.0\.0\.1:9/m);
    expect(await indexJson()).not.toContain('digests/on-top:1');
  });
});
