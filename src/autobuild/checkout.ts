/**
 * The files of one ref, fetched shallowly (`git fetch --depth 1`, the tip only, as Hub's builds clone)
 * into `<dir>/git` (a bare repository) and checked out into `<dir>/src` without a `.git` directory,
 * so the build context holds the tree of the commit and nothing else. Submodules are not fetched.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { git, type GitOptions } from './git.js';

export interface Checkout {
  /** The commit fetched (the ref may have moved since it was listed). */
  commit: string;
  /** Committer time, seconds since the epoch: the image's `created` (SOURCE_DATE_EPOCH). */
  commitTime: number;
  /** The checked-out tree. */
  dir: string;
}

export async function checkoutRef(repository: string, refName: string, dir: string, options: GitOptions): Promise<Checkout> {
  const gitDir = join(dir, 'git');
  const src = join(dir, 'src');
  await mkdir(src, { recursive: true });
  await git(['-c', 'init.defaultBranch=autobuild', 'init', '-q', '--bare', gitDir], options);
  const g = ['--git-dir', gitDir];
  await git([...g, 'fetch', '-q', '--depth', '1', '--no-tags', repository, refName], options);
  const [commit, time] = (await git([...g, 'log', '-1', '--format=%H %ct', 'FETCH_HEAD'], options)).trim().split(' ');
  await git([...g, '--work-tree', src, '-c', 'advice.detachedHead=false', 'checkout', '-q', '-f', '--detach', commit!], options);
  return { commit: commit!, commitTime: Number(time), dir: src };
}
