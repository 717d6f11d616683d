import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedImage, startRegistry, type Registry } from '../../harness/index.mjs';

/** What the login tests share: an htpasswd and a token registry (no anonymous pull), each holding alice/app:1. */
export interface LoginRegistries {
  basic: Registry;
  token: Registry;
  /** A temp directory for the test file's homes and configs. */
  root: string;
  stop(): Promise<void>;
}

export async function startLoginRegistries(prefix: string): Promise<LoginRegistries> {
  const [basic, token] = await Promise.all([
    startRegistry({ mode: 'htpasswd' }),
    startRegistry({ mode: 'token', token: { anonymousPull: false } }),
  ]);
  const root = await mkdtemp(join(tmpdir(), prefix));
  await Promise.all([seedImage(basic, 'alice/app:1', { layers: [500] }), seedImage(token, 'alice/app:1', { layers: [500] })]);
  return {
    basic,
    token,
    root,
    async stop() {
      await Promise.all([basic.stop(), token.stop()]);
      await rm(root, { recursive: true, force: true });
    },
  };
}

let homes = 0;

/** A fresh HOME, DOCKER_CONFIG, store and XDG config dir for one test. */
export async function freshHome(root: string) {
  const home = join(root, `h${++homes}`);
  await mkdir(home, { recursive: true });
  const dir = join(home, 'docker');
  const env = { HOME: home, DOCKER_CONFIG: dir, HUBCTL_STORE: join(home, 'store'), XDG_CONFIG_HOME: join(home, 'xdg') };
  return { home, env, dir, config: join(dir, 'config.json') };
}
