import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultDataDir, defaultStatePath } from '../../../src/autobuild/paths.js';
import { emptyState, readState, writeState } from '../../../src/autobuild/state.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hubctl-autobuild-state-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('the autobuild state file', () => {
  it('round-trips, is created 0600 and its directory on demand', async () => {
    const path = join(dir, 'a', 'b', 'state.json');
    expect(await readState(path)).toBeUndefined();
    const state = emptyState('/repo', ['docker.io/alice/app']);
    await writeState(path, state);
    expect(await readState(path)).toEqual(state);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('refuses a corrupt file and a path that is not a regular file, and leaves them as they are', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"version":');
    await expect(readState(bad)).rejects.toMatchObject({ kind: 'store', code: 'STATE_CORRUPT' });
    await writeFile(bad, '{"version":2}');
    await expect(readState(bad)).rejects.toThrow('not an autobuild state file');
    expect(await readFile(bad, 'utf8')).toBe('{"version":2}');
    const folder = join(dir, 'folder.json');
    await mkdir(folder);
    await expect(readState(folder)).rejects.toMatchObject({ code: 'STATE_NOT_A_FILE' });
    await expect(writeState(folder, emptyState('/r', []))).rejects.toMatchObject({ code: 'STATE_NOT_A_FILE' });
    expect((await stat(folder)).isDirectory()).toBe(true);
  });

  it('lives under the data directory, one file per repository and images', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/xdg' }, '/home/u')).toBe('/xdg/hubctl');
    expect(defaultDataDir({ XDG_DATA_HOME: 'relative', HUBCTL_STORE: '/elsewhere' }, '/home/u')).toBe('/home/u/.local/share/hubctl');
    const a = defaultStatePath('/d', 'https://github.com/a/b.git', ['docker.io/a/b', 'ghcr.io/a/b']);
    expect(a).toMatch(/^\/d\/autobuild\/[0-9a-f]{16}\.json$/);
    expect(defaultStatePath('/d', 'https://github.com/a/b.git', ['ghcr.io/a/b', 'docker.io/a/b'])).toBe(a);
    expect(defaultStatePath('/d', 'https://user:token@github.com/a/b.git', ['ghcr.io/a/b', 'docker.io/a/b'])).toBe(a);
    expect(defaultStatePath('/d', 'https://github.com/a/c.git', ['docker.io/a/b', 'ghcr.io/a/b'])).not.toBe(a);
  });
});
