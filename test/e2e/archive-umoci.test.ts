// Images whose layers umoci wrote (a root entry "/", a symlink climbing above the root): hubctl pulls
// them, and `hubctl save IMG | hubctl --root OTHER load` must take them back, as podman does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, runUmoci, skopeoCopy, type Registry } from '../harness/index.mjs';
import { ImageStore } from '../../src/store/index.js';
import { BIN, hubctl } from './run-cli.js';

let reg: Registry;
let root: string;
let ref: string;

beforeAll(async () => {
  reg = await startRegistry({ mode: 'open' });
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-umoci-'));
  const layout = join(root, 'layout');
  const files = join(root, 'files');
  await mkdir(join(files, 'etc'), { recursive: true });
  await writeFile(join(files, 'etc', 'motd'), 'written by umoci\n');
  await symlink('../../../etc', join(files, 'etc', 'climb')); // climbs above the root: data, as docker keeps it
  // the last entry has no body: umoci 0.4.7's insert leaves out the padding after the last file's body
  await symlink('../..', join(files, 'zz-up'));
  await runUmoci(['init', '--layout', layout]);
  await runUmoci(['new', '--image', `${layout}:1`]);
  // `umoci insert ... /` writes its layer with a root entry named "/"
  await runUmoci(['insert', '--rootless', '--image', `${layout}:1`, files, '/']);
  ref = `${reg.host}/umoci/app:1`;
  await skopeoCopy(`oci:${layout}:1`, ref, { dest: { registry: reg } });
});

afterAll(async () => {
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

/** The name of the first entry of every gzipped layer in the store. */
async function firstEntryNames(storeRoot: string): Promise<string[]> {
  const store = await ImageStore.open(storeRoot);
  const names: string[] = [];
  const manifest = JSON.parse((await store.fetchBytes((await store.resolve(ref))!, 1 << 20)).toString()) as {
    layers: { digest: string; size: number; mediaType: string }[];
  };
  for (const l of manifest.layers) {
    const ex = extract();
    const reading = pipeline(createReadStream(store.blobPath(l.digest)), createGunzip(), ex).catch(() => undefined);
    for await (const entry of ex) {
      names.push(entry.header.name);
      entry.resume();
      break;
    }
    ex.destroy();
    await reading;
  }
  await store.close();
  return names;
}

describe('layers written by umoci', () => {
  it('hubctl pull, then hubctl save | hubctl --root OTHER load: loaded, same digest, store valid', async () => {
    const env = { HOME: root, HUBCTL_STORE: join(root, 'store') };
    const p = await hubctl(['pull', '-q', ref], { env });
    expect(p.code, p.stderr).toBe(0);
    expect(await firstEntryNames(join(root, 'store'))).toContain('/'); // what made load refuse it
    const other = join(root, 'other');
    const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const sh = spawn(
        'sh',
        ['-c', `"${process.execPath}" "${BIN}" save "${ref}" | "${process.execPath}" "${BIN}" --root "${other}" load`],
        { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      sh.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      sh.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      sh.on('close', (code) => resolve({ code, out, err }));
    });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`Loaded image: ${ref}\n`);
    const [a, b] = await Promise.all([ImageStore.open(join(root, 'store')), ImageStore.open(other)]);
    expect((await b.resolve(ref))?.digest).toBe((await a.resolve(ref))?.digest);
    expect((await b.validate({ verifyDigests: true })).ok).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });
});
