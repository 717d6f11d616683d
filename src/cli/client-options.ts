import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ClientOptions } from '../api/client.js';
import type { CredentialsOptions } from '../credentials/options.js';
import type { CredentialSource } from '../credentials/types.js';
import { redactSecrets } from '../errors.js';
import type { CliRuntime } from './runtime.js';
import { readLimits } from './limits.js';
import { insecureRegistries, resolveStoreRoot } from './settings/resolve.js';
import { startSpinner } from './spinner.js';

export interface ConnectionFlags {
  insecure?: boolean;
  caFile?: string;
}

/** docker's config directory: --config, else $DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDir(rt: CliRuntime): string {
  return rt.globals().config ?? rt.env.DOCKER_CONFIG ?? join(homedir(), '.docker');
}

/** Options for the credentials code (login, logout): docker's config dir from --config / $DOCKER_CONFIG / ~/.docker. */
export function credentialsOptions(rt: CliRuntime): CredentialsOptions {
  const { helperTimeoutMs } = readLimits(rt.env);
  return {
    env: { ...rt.env, DOCKER_CONFIG: dockerConfigDir(rt) },
    homedir: homedir(),
    ...(helperTimeoutMs !== undefined ? { helperTimeoutMs } : {}),
  };
}

/**
 * Resolves every effect the library needs, once: a flag, else the environment, else hubctl's
 * settings file (`hubctl config`), else the default.
 */
export async function clientOptions(rt: CliRuntime, flags: ConnectionFlags = {}): Promise<ClientOptions> {
  const g = rt.globals();
  const configDir = dockerConfigDir(rt);
  const options: ClientOptions = {
    storeRoot: resolveStoreRoot(rt),
    certsDirs: [join(configDir, 'certs.d'), '/etc/docker/certs.d'],
    env: rt.env,
    userAgent: 'hubctl/0.1',
  };
  const { helperTimeoutMs: _helper, ...timeouts } = readLimits(rt.env);
  Object.assign(options, timeouts);
  if (flags.insecure) options.insecure = true;
  const insecure = insecureRegistries(rt);
  if (insecure.length > 0) options.insecureRegistries = insecure;
  if (flags.caFile) options.caFile = flags.caFile;
  options.onStoreLockWait = (what) => {
    const spin = startSpinner(rt.out, `Waiting for another hubctl to release the lock on ${what}`);
    return () => spin.stop();
  };
  if (g.debug) options.debug = (line) => rt.out.info(`DEBUG ${redactSecrets(line)}`);
  options.credentials = lazyCredentialSource(rt);
  return options;
}

/**
 * docker's credential lookup, with the credentials code (config files, helpers, the keychain) loaded
 * at the first lookup: commands that never ask for a credential never load it.
 */
function lazyCredentialSource(rt: CliRuntime): CredentialSource {
  let source: Promise<CredentialSource> | undefined;
  return async (registry) => {
    source ??= import('../credentials/resolver.js').then(({ createCredentialSource }) => createCredentialSource(credentialsOptions(rt)));
    return (await source)(registry);
  };
}
