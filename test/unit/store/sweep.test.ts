import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ImageStore, createStagingDir, sweepStaging } from '../../../src/store/index.js';
import { tempDir } from './helpers.js';

/** A pid that certainly belonged to a process that has ended. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout.trim());
}

const lockOf = (pid: number) => `${JSON.stringify({ pid, host: hostname(), time: new Date().toISOString(), token: 'x' })}\n`;

describe('staging directories and leftovers of dead processes', () => {
  it("a live staging directory is kept; a dead owner's directory and lock are removed; remove() leaves nothing", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const live = await createStagingDir(dir, 'hubctl-build-');
      await writeFile(join(live.path, 'layer-0.blob'), 'x');
      const tmp = join(dir, '.hubctl', 'tmp');
      await mkdir(join(tmp, 'hubctl-load-dead'));
      await writeFile(join(tmp, 'hubctl-load-dead', 'big'), 'y');
      await writeFile(join(tmp, 'hubctl-load-dead.lock'), lockOf(deadPid()));
      await mkdir(join(tmp, 'hubctl-build-nolock')); // an older hubctl's mkdtemp: no owner at all
      expect((await sweepStaging(dir)).sort()).toEqual(['hubctl-build-nolock', 'hubctl-load-dead']);
      expect((await readdir(tmp)).sort()).toEqual([live.path.split('/').at(-1), `${live.path.split('/').at(-1)}.lock`].sort());
      await live.remove();
      expect(await readdir(tmp)).toEqual([]);
    } finally {
      await cleanup();
    }
  });

  it('opening the store removes blob locks of a dead process whose lease file it left, and that lease', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const first = await ImageStore.open(dir);
      await first.close();
      const pid = deadPid();
      const blobs = join(dir, 'blobs', 'sha256');
      await writeFile(join(blobs, `.${'a'.repeat(64)}.lock`), lockOf(pid));
      await writeFile(join(blobs, `.${'b'.repeat(64)}.lock`), lockOf(process.pid)); // ours: live, kept
      await mkdir(join(dir, '.hubctl', 'leases'), { recursive: true });
      await writeFile(join(dir, '.hubctl', 'leases', `${hostname()}-${pid}-abcd.json`), `${lockOf(pid)}+sha256:${'a'.repeat(64)}\n`);
      const store = await ImageStore.open(dir);
      expect((await readdir(blobs)).filter((f) => f.endsWith('.lock'))).toEqual([`.${'b'.repeat(64)}.lock`]);
      expect(await readdir(join(dir, '.hubctl', 'leases'))).toEqual([]);
      await store.close();
    } finally {
      await cleanup();
    }
  });
});
