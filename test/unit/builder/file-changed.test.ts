import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packTar, type PackItem } from '../../../src/builder/tar-pack.js';
import { HubctlError } from '../../../src/errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hubctl-file-changed-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function drain(items: PackItem[]): Promise<unknown> {
  async function* gen() {
    yield* items;
  }
  try {
    for await (const _ of packTar(gen(), { mtime: new Date(0) })) void _;
    return undefined;
  } catch (e) {
    return e;
  }
}

describe('a file that changes between listing and reading', () => {
  // sizes as listed vs. on disk when read: small files are read whole ahead, large ones streamed
  for (const [what, listed, actual] of [
    ['a small file that grew', 10, 20],
    ['a small file that shrank', 20, 10],
    ['a large file that grew', 200_000, 300_000],
    ['a large file that shrank', 300_000, 200_000],
  ] as const) {
    it(`${what}: a local error naming the file (exit 7), not "Size mismatch"`, async () => {
      const path = join(dir, `${listed}-${actual}`);
      await writeFile(path, Buffer.alloc(actual, 1));
      const err = await drain([{ name: 'd/big', type: 'file', mode: 0o644, size: listed, sourcePath: path }]);
      expect(err).toBeInstanceOf(HubctlError);
      expect(err).toMatchObject({ kind: 'store', code: 'FILE_CHANGED' });
      expect((err as Error).message).toMatch(new RegExp(`^file ${path} changed while being read \\(${listed} bytes when listed`));
    });
  }
});
