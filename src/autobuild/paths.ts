/** Where autobuild keeps its state: `$XDG_DATA_HOME/hubctl/autobuild/<hash>.json` (or `~/.local/share/...`). */
import { dirname, join } from 'node:path';
import { defaultStoreRoot } from '../store/layout.js';
import { createHash } from 'node:crypto';
import { displayRepository } from './git.js';

/** hubctl's data directory: `$XDG_DATA_HOME/hubctl`, else `<home>/.local/share/hubctl` (the store's parent by default). */
export function defaultDataDir(env: NodeJS.ProcessEnv, homedir: string): string {
  return dirname(defaultStoreRoot({ ...env, HUBCTL_STORE: undefined }, homedir));
}

export function autobuildDir(dataDir: string): string {
  return join(dataDir, 'autobuild');
}

/** One state file per repository and set of images: a hash of both (credentials in the URL left out). */
export function defaultStatePath(dataDir: string, repository: string, images: string[]): string {
  const key = JSON.stringify([displayRepository(repository), [...images].sort()]);
  return join(autobuildDir(dataDir), `${createHash('sha256').update(key).digest('hex').slice(0, 16)}.json`);
}
