/**
 * hubctl's own preferences about where credentials go, kept with `conf` in
 * `$XDG_CONFIG_HOME/hubctl/config.json` (or `<home>/.config/hubctl/config.json`), never in docker's file.
 *
 * Only one thing is recorded per server: which store `hubctl login --store` put it in. The resolver
 * uses it to ask the keychain for servers that live there (docker's config knows nothing about it).
 */
import Conf from 'conf';
import { storeError } from '../errors.js';
import { preferencesDir, type CredentialsOptions } from './options.js';
import { configKey } from './server-key.js';

export type StoreKind = 'file' | 'helper' | 'keychain';
export const STORE_KINDS: readonly StoreKind[] = ['file', 'helper', 'keychain'];

interface PreferenceData extends Record<string, unknown> {
  /** Default for `hubctl login` when --store is not given (unset: docker's rule). */
  defaultStore?: StoreKind;
  /** config key -> store the last `hubctl login` used. */
  servers?: Record<string, StoreKind>;
}

export interface Preferences {
  readonly path: string;
  defaultStore(): StoreKind | undefined;
  setDefaultStore(kind: StoreKind | undefined): void;
  storeFor(registry: string): StoreKind | undefined;
  setStoreFor(registry: string, kind: StoreKind | undefined): void;
}

export function isStoreKind(v: unknown): v is StoreKind {
  return typeof v === 'string' && (STORE_KINDS as readonly string[]).includes(v);
}

/** Opens the preference file (created on first write, mode 0600). */
export function openPreferences(opts: CredentialsOptions): Preferences {
  const cwd = preferencesDir(opts);
  let conf: Conf<PreferenceData>;
  try {
    conf = new Conf<PreferenceData>({
      projectName: 'hubctl',
      cwd,
      configName: 'preferences',
      accessPropertiesByDotNotation: false,
      configFileMode: 0o600,
      clearInvalidConfig: false,
      watch: false,
    });
  } catch (e) {
    throw storeError('PREFERENCES_INVALID', `cannot read hubctl's preferences in ${cwd}: ${(e as Error).message}`, {
      hint: `fix or remove ${cwd}/preferences.json`,
      cause: e,
    });
  }
  const servers = (): Record<string, StoreKind> => {
    const s = conf.get('servers');
    return s && typeof s === 'object' ? { ...s } : {};
  };
  return {
    path: conf.path,
    defaultStore() {
      const v = conf.get('defaultStore');
      return isStoreKind(v) ? v : undefined;
    },
    setDefaultStore(kind) {
      if (kind === undefined) conf.delete('defaultStore');
      else conf.set('defaultStore', kind);
    },
    storeFor(registry) {
      const v = servers()[configKey(registry)];
      return isStoreKind(v) ? v : undefined;
    },
    setStoreFor(registry, kind) {
      const all = servers();
      const key = configKey(registry);
      if (kind === undefined) {
        if (!(key in all)) return;
        delete all[key];
      } else {
        if (all[key] === kind) return;
        all[key] = kind;
      }
      conf.set('servers', all);
    },
  };
}
