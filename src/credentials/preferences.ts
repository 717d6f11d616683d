/**
 * hubctl's own preferences about where credentials go, kept with `conf` in
 * `$XDG_CONFIG_HOME/hubctl/config.json` (or `<home>/.config/hubctl/config.json`), never in docker's file.
 *
 * Only one thing is recorded per server: which store `hubctl login --store` put it in. The resolver
 * uses it to ask the keychain for servers that live there (docker's config knows nothing about it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
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
  const file = path.join(cwd, 'preferences.json');
  let conf: Conf<PreferenceData> | undefined;
  // Conf creates its directory when constructed: open it only to write or when the file exists,
  // so that a lookup never leaves ~/.config/hubctl behind.
  const open = (): Conf<PreferenceData> => {
    if (conf !== undefined) return conf;
    try {
      mkdirSync(cwd, { recursive: true, mode: 0o700 });
      conf = new Conf<PreferenceData>({
        projectName: 'hubctl',
        cwd,
        configName: 'preferences',
        accessPropertiesByDotNotation: false,
        configFileMode: 0o600,
        clearInvalidConfig: false,
        watch: false,
      });
      return conf;
    } catch (e) {
      throw storeError('PREFERENCES_INVALID', `cannot use hubctl's preferences ${file}: ${(e as Error).message}`, {
        hint: `fix or remove ${file}`,
        cause: e,
      });
    }
  };
  const read = <K extends keyof PreferenceData>(key: K): PreferenceData[K] | undefined =>
    conf === undefined && !existsSync(file) ? undefined : open().get(key);
  const servers = (): Record<string, StoreKind> => {
    const s = read('servers');
    return s && typeof s === 'object' ? { ...s } : {};
  };
  return {
    path: file,
    defaultStore() {
      const v = read('defaultStore');
      return isStoreKind(v) ? v : undefined;
    },
    setDefaultStore(kind) {
      if (kind === undefined) {
        if (read('defaultStore') !== undefined) open().delete('defaultStore');
      } else open().set('defaultStore', kind);
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
      open().set('servers', all);
    },
  };
}
