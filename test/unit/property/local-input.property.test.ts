// Bad local input never ends in a stack trace: docker config.json files, tar headers, whole image
// archives (through `load`), docker-archive manifests and Dockerfiles, each driven by generated inputs;
// only HubctlError may come out. (Search responses: test/unit/search/parsers.property.test.ts.)
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { createCredentialSource } from '../../../src/credentials/index.js';
import { checkTarEntry, normalizeEntryName, parseDockerfile } from '../../../src/builder/index.js';
import { parseDockerArchiveManifest, digestOfBlobEntry } from '../../../src/archive/index.js';
import { createClient, load, ImageStore, closeAllTransports } from '../../../src/index.js';
import { onlyHubctl, onlyHubctlAsync } from './only-typed-errors.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hubctl-prop-local-'));
});
afterAll(async () => {
  await closeAllTransports();
  if (root) await rm(root, { recursive: true, force: true });
});

const junk = fc.oneof(fc.jsonValue(), fc.string(), fc.constant(null));

describe('docker config.json', () => {
  // credsStore / credHelpers are left out on purpose: they name programs to run (docker-credential-*)
  const entry = fc.record(
    {
      auth: fc.oneof(fc.base64String(), fc.string(), junk),
      identitytoken: junk,
      registrytoken: junk,
      username: junk,
      password: junk,
      email: junk,
    },
    { requiredKeys: [] },
  );
  const config = fc.record(
    {
      auths: fc.oneof(
        fc.dictionary(
          fc.constantFrom('registry.example.com', 'https://registry.example.com/v1/', 'registry.example.com:443', 'other.io'),
          fc.oneof(entry, junk),
        ),
        junk,
      ),
      HttpHeaders: junk,
      proxies: junk,
      currentContext: junk,
    },
    { requiredKeys: [] },
  );
  const text = fc.oneof(
    config.map((c) => JSON.stringify(c)),
    fc.string(),
    fc.json(),
    fc.constant('\ufeff{}'),
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1')),
  );

  it('a credential, nothing, or a typed error for every generated config.json', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(text, async (t) => {
        const dir = join(root, `cfg-${n++}`);
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'config.json'), t);
        const source = createCredentialSource({ env: { DOCKER_CONFIG: dir, PATH: '' }, homedir: dir, readAuthFile: false });
        await onlyHubctlAsync(async () => {
          const cred = await source('registry.example.com');
          if (cred !== undefined) expect(typeof cred).toBe('object');
        });
      }),
      { numRuns: 1000 },
    );
  }, 120_000);
});

describe('tar headers and archives', () => {
  const seg = fc.oneof(fc.constantFrom('..', '.', '', 'a', 'b', 'etc', 'x y', '\0', '~'), fc.string({ maxLength: 5 }));
  const path = fc
    .tuple(fc.constantFrom('', '/', './', '../', '//'), fc.array(seg, { maxLength: 5 }), fc.constantFrom('', '/'))
    .map(([a, s, b]) => `${a}${s.join('/')}${b}`);
  const type = fc.constantFrom(
    'file',
    'directory',
    'symlink',
    'link',
    'character-device',
    'block-device',
    'fifo',
    'contiguous-file',
    'pax-header',
    undefined,
    null,
  );

  it('checkTarEntry: a normalized path that stays inside the layer, or UNSAFE_LAYER', () => {
    fc.assert(
      fc.property(path, type, fc.option(path), (name, t, link) => {
        let out: string | undefined;
        const err = onlyHubctl(() => {
          out = checkTarEntry({ name, type: t, linkname: link }, 'layer.tar');
        }, ['usage']);
        if (err === undefined) {
          expect(out!.split('/')).not.toContain('..');
          expect(out!.startsWith('/')).toBe(false);
        } else expect(err.code).toBe('UNSAFE_LAYER');
        expect(typeof normalizeEntryName(name)).toBe('string');
      }),
      { numRuns: 5000 },
    );
  });

  // Found by the property above: `.//x` once normalized to the absolute `/x`.
  it('".//etc/passwd" normalizes to the relative "etc/passwd"', () => {
    expect(
      onlyHubctl(() => expect(checkTarEntry({ name: './/etc/passwd', type: 'file' }, 'l.tar').startsWith('/')).toBe(false)),
    ).toBeUndefined();
  });
  it('symlink ".//a" -> "../../etc" is refused: it escapes the layer root', () => {
    expect(() => checkTarEntry({ name: './/a', type: 'symlink', linkname: '../../etc' }, 'l.tar')).toThrow(/escapes the layer root/);
  });

  it('docker-archive manifest.json and blob entry names: parsed or a typed error', () => {
    const entry = fc.record(
      {
        Config: junk,
        RepoTags: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), junk),
        Layers: fc.oneof(fc.array(fc.oneof(path, fc.string()), { maxLength: 3 }), junk),
        LayerSources: junk,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(entry, { maxLength: 3 }).map((a) => JSON.stringify(a)),
          fc.json(),
          fc.string(),
        ),
        path,
        (t, name) => {
          onlyHubctl(() => parseDockerArchiveManifest(t));
          const d = digestOfBlobEntry(name);
          if (d !== undefined) expect(d).toMatch(/^sha\d+:[0-9a-f]+$/);
        },
      ),
      { numRuns: 3000 },
    );
  });

  /** A tar made of generated entries: hostile names and link targets, metadata files with junk. */
  const tarEntry = fc.oneof(
    fc.record({
      name: path,
      type: type.filter((t) => typeof t === 'string' && t !== 'pax-header'),
      linkname: fc.option(path),
      body: fc.string({ maxLength: 40 }),
    }),
    fc.record({
      name: fc.constantFrom('manifest.json', 'index.json', 'oci-layout', 'repositories'),
      type: fc.constant('file'),
      linkname: fc.constant(null),
      body: fc.oneof(
        fc.json(),
        fc.string(),
        fc.constant('{"imageLayoutVersion":"1.0.0"}'),
        fc.constant(
          '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:' +
            'a'.repeat(64) +
            '","size":3}]}',
        ),
      ),
    }),
  );

  async function tarOf(entries: { name: string; type: string; linkname: string | null; body: string }[]): Promise<Buffer> {
    const p = pack();
    const chunks: Buffer[] = [];
    p.on('data', (c) => chunks.push(c as Buffer)); // a tar-stream pack emits Buffers; streamx types them unknown
    const done = new Promise<void>((r) => p.on('end', r));
    for (const e of entries) {
      const header = {
        name: e.name === '' ? 'x' : e.name,
        type: e.type as 'file',
        ...(e.linkname !== null ? { linkname: e.linkname } : {}),
      };
      try {
        if (e.type === 'file' || e.type === 'contiguous-file') p.entry(header, e.body);
        else p.entry({ ...header, size: 0 });
      } catch {
        // tar-stream refuses some headers (e.g. names too long for ustar): leave them out
      }
    }
    p.finalize();
    await done;
    return Buffer.concat(chunks);
  }

  it('hubctl load of generated archives (and truncated or random bytes): a load or a typed error; the store stays valid', async () => {
    const storeRoot = join(root, 'load-store');
    const client = createClient({ storeRoot });
    const tmp = join(root, 'load-tmp');
    await mkdir(tmp, { recursive: true });
    await fc.assert(
      fc.asyncProperty(
        fc.array(tarEntry, { maxLength: 6 }),
        fc.option(fc.nat()),
        fc.option(fc.uint8Array({ maxLength: 600 })),
        async (entries, cut, random) => {
          let bytes = random ?? (await tarOf(entries));
          if (cut !== null && random === null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
          await onlyHubctlAsync(() => load(client, Readable.from([bytes]), { tmpDir: tmp }));
        },
      ),
      { numRuns: 300 },
    );
    const store = await ImageStore.open(storeRoot);
    expect((await store.validate()).ok).toBe(true);
    expect(await readdir(tmp)).toEqual([]); // every staging directory was removed
    await store.close();
    await client.close();
  }, 120_000);
});

describe('Dockerfiles', () => {
  const word = fc.oneof(
    fc.constantFrom(
      'FROM',
      'from',
      'RUN',
      'COPY',
      'ADD',
      'ENV',
      'ARG',
      'LABEL',
      'WORKDIR',
      'USER',
      'CMD',
      'ENTRYPOINT',
      'EXPOSE',
      'VOLUME',
      'HEALTHCHECK',
      'SHELL',
      'STOPSIGNAL',
      'ONBUILD',
      'MAINTAINER',
      'BOGUS',
    ),
    fc.stringMatching(/^[A-Za-z]{1,6}$/),
  );
  const arg = fc.oneof(
    fc.constantFrom(
      'alpine',
      'scratch',
      'a=b',
      '"x y"',
      '["sh","-c","echo"]',
      '[',
      '["unterminated',
      '$X',
      '${X:-y}',
      '${',
      '--from=build',
      '--chown=1:1',
      'AS',
      'build',
      '\\',
      '`',
    ),
    fc.string({ maxLength: 8 }),
  );
  const line = fc.oneof(
    fc.tuple(word, fc.array(arg, { maxLength: 4 })).map(([w, a]) => `${w} ${a.join(' ')}`),
    fc.constantFrom(
      '# escape=`',
      '# escape=x',
      '# syntax=docker/dockerfile:1',
      '# comment',
      '',
      '  ',
      '\\',
      'RUN echo \\',
      'RUN <<EOF',
      'EOF',
    ),
    fc.string({ maxLength: 20 }),
  );

  it('generated Dockerfiles: parsed or a typed error (never another exception)', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), (lines, eol) => {
        onlyHubctl(() => parseDockerfile(lines.join(eol)));
      }),
      { numRuns: 3000 },
    );
  });
});
