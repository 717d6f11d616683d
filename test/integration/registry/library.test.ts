/** The library surface the CLI uses: a docker login's credentials, search and the remote verbs from 'hubctl' itself. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedImage, startRegistry, type Registry } from '../../harness/index.mjs';
import {
  closeAllTransports,
  createClient,
  createCredentialSource,
  manifestDigest,
  search,
  tags,
  versionInfo,
  VERSION,
} from '../../../src/index.js';

let reg: Registry;
let home: string;

beforeAll(async () => {
  reg = await startRegistry({ mode: 'token' });
  home = await mkdtemp(join(tmpdir(), 'hubctl-lib-'));
  await seedImage(reg, 'private/secret:1', { layers: [200], creds: { username: 'admin', password: reg.users.admin! } });
  // what `docker login` leaves behind
  await mkdir(join(home, '.docker'));
  const auth = Buffer.from(`admin:${reg.users.admin}`).toString('base64');
  await writeFile(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { [reg.host]: { auth } } }));
}, 60_000);

afterAll(async () => {
  await closeAllTransports();
  await reg?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('library', () => {
  it("reuses docker login's credentials through createCredentialSource", async () => {
    const anonymous = createClient({ storeRoot: join(home, 'store') });
    await expect(tags(anonymous, `${reg.host}/private/secret`)).rejects.toMatchObject({ kind: 'auth' });
    await anonymous.close();
    const client = createClient({ storeRoot: join(home, 'store'), credentials: createCredentialSource({ env: {}, homedir: home }) });
    try {
      expect((await tags(client, `${reg.host}/private/secret`)).tags).toEqual(['1']);
      expect((await manifestDigest(client, `${reg.host}/private/secret:1`)).descriptor.digest).toMatch(/^sha256:/);
      const found = await search(client, `${reg.host}/secret`);
      expect(found.results.map((r) => r.name)).toEqual([`${reg.host}/private/secret`]);
    } finally {
      await client.close();
    }
  });

  it('versionInfo names the library version', () => {
    expect(versionInfo()).toMatchObject({ version: VERSION, library: VERSION, node: process.version });
  });
});
