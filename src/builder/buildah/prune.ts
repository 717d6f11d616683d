import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Buildah } from './engine.js';

/**
 * Storage growth is bounded by removing what builds leave: each build removes the images it made
 * (its result and one per step) once the result is in hubctl's store; images without a name (left
 * by a build that was killed, or a base whose name moved to a newer image) are removed when no
 * other build is running on the same storage. Only the named base images stay between builds.
 */

const running = (dir: string) => join(dir, 'running');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Marks a build as running on this storage until the returned function is called. */
export async function registerBuild(dir: string): Promise<() => Promise<void>> {
  await mkdir(running(dir), { recursive: true });
  const file = join(running(dir), `${process.pid}-${randomBytes(4).toString('hex')}`);
  await writeFile(file, '');
  return () => rm(file, { force: true });
}

async function othersRunning(dir: string): Promise<boolean> {
  const entries = await readdir(running(dir)).catch(() => [] as string[]);
  let others = false;
  for (const e of entries) {
    const pid = Number(e.split('-')[0]);
    if (alive(pid)) others = true;
    else await rm(join(running(dir), e), { force: true });
  }
  return others;
}

/** `buildah rmi` of names and IDs; those already gone are no error. */
export async function removeImages(b: Buildah, refs: readonly string[]): Promise<void> {
  if (refs.length > 0) await b.run(['rmi', ...refs]);
}

/** Removes every image without a name, unless another build (which may still need its own) is running. */
export async function pruneUnnamed(b: Buildah): Promise<void> {
  if (await othersRunning(b.paths.dir)) return;
  const r = await b.run(['images', '--all', '--json', '--no-trunc']);
  if (r.code !== 0) return;
  const images = (JSON.parse(r.stdout.trim() || '[]') ?? []) as Array<{ id: string; names?: string[] | null }>;
  await removeImages(
    b,
    images.filter((i) => (i.names ?? []).length === 0).map((i) => i.id.replace(/^sha256:/, '')),
  );
}
