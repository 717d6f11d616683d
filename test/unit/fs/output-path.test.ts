import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lstat, mkdtemp, readFile, rm, symlink, writeFile, readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openOutputPath, writeOutputFile } from '../../../src/fs/index.js';
import { HubctlError } from '../../../src/errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hubctl-output-path-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openOutputPath', () => {
  it('writes a new regular file through a temp file and leaves no temp file behind', async () => {
    const file = join(dir, 'new.txt');
    await writeOutputFile(file, 'hello');
    expect(await readFile(file, 'utf8')).toBe('hello');
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('abort() leaves an existing file as it was and removes the temp file', async () => {
    const file = join(dir, 'old.txt');
    await writeFile(file, 'old');
    const out = await openOutputPath(file);
    out.stream.write('half of something new');
    await out.abort();
    expect(await readFile(file, 'utf8')).toBe('old');
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a named Unix socket is connected to and written through', async () => {
    const path = join(dir, 'sock');
    const got: Buffer[] = [];
    const server = createServer((c) => c.on('data', (d: Buffer) => got.push(d)));
    await new Promise<void>((r) => server.listen(path, r));
    try {
      const received = new Promise<void>((r) => server.once('connection', (c) => c.once('end', r)));
      await writeOutputFile(path, 'through the socket');
      await received;
      expect(Buffer.concat(got).toString()).toBe('through the socket');
      expect((await lstat(path)).isSocket()).toBe(true);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('a symlink loop and a missing directory are local filesystem errors naming the path', async () => {
    await symlink('loop-b', join(dir, 'loop-a'));
    await symlink('loop-a', join(dir, 'loop-b'));
    const loop = await openOutputPath(join(dir, 'loop-a')).catch((e: unknown) => e);
    expect(loop).toBeInstanceOf(HubctlError);
    expect((loop as HubctlError).kind).toBe('store');
    expect((loop as HubctlError).message).toMatch(/loop-a.*too many levels of symbolic links/);
    const missing = await openOutputPath(join(dir, 'no', 'such', 'x.tar')).catch((e: unknown) => e);
    expect((missing as HubctlError).kind).toBe('store');
    expect((missing as HubctlError).message).toBe(`cannot write ${join(dir, 'no', 'such', 'x.tar')}: no such file or directory`);
  });
});
