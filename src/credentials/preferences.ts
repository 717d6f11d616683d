/**
 * hubctl's own preferences about where credentials go, kept with `conf` in
 * `$XDG_CONFIG_HOME/hubctl/config.json` (or `<home>/.config/hubctl/config.json`), never in docker's file.
 *
 * Only one thing is recorded per server: which store `hubctl login --store` put it in. The resolver
 * uses it to ask the keychain for servers that live there (docker's config knows nothing about it).
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type Conf from 'conf';
import { storeError } from '../errors.js';
import { assertRegularOrAbsent, readRegularFileSync } from '../fs/read-regular.js';
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
  setDefaultStore(kind: StoreKind | undefined): Promise<void>;
  storeFor(registry: string): StoreKind | undefined;
  setStoreFor(registry: string, kind: StoreKind | undefined): Promise<void>;
}

export function isStoreKind(v: unknown): v is StoreKind {
  return typeof v === 'string' && (STORE_KINDS as readonly string[]).includes(v);
}

type ConfClass = typeof Conf;
const loadConf = async (): Promise<ConfClass> => (await import('conf')).default;

/**
 * Opens the preference file (created on first write, mode 0600). Reads are a plain JSON parse; conf
 * (and ajv, ~200 ms to import) is loaded only to write, so a pull never pays for it.
 */
export async function openPreferences(opts: CredentialsOptions): Promise<Preferences> {
  const cwd = preferencesDir(opts);
  const file = path.join(cwd, 'preferences.json');
  let ConfCtor: ConfClass | undefined;
  let conf: Conf<PreferenceData> | undefined;
  let plain: PreferenceData | undefined;
  const invalid = (why: string, cause?: unknown) =>
    storeError('PREFERENCES_INVALID', `cannot use hubctl's preferences ${file}: ${why}`, { hint: `fix or remove ${file}`, cause });
  const readPlain = (): PreferenceData => {
    if (conf !== undefined) return conf.store;
    if (plain !== undefined) return plain;
    // a regular file only: a FIFO or a device there is refused unread (src/fs/read-regular.ts)
    const bytes = readRegularFileSync(file, { what: 'hubctl preferences file', maxBytes: 1024 * 1024 });
    if (bytes === undefined) return (plain = {});
    const text = bytes.toString('utf8');
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw invalid((e as Error).message, e);
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw invalid('not a JSON object');
    return (plain = data as PreferenceData);
  };
  // Conf creates its directory when constructed: open it only to write or when the file exists,
  // so that a lookup never leaves ~/.config/hubctl behind.
  const open = (): Conf<PreferenceData> => {
    if (conf !== undefined) return conf;
    if (ConfCtor === undefined) throw new Error('conf is not loaded');
    try {
      mkdirSync(cwd, { recursive: true, mode: 0o700 });
      conf = new ConfCtor<PreferenceData>({
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
  const read = <K extends keyof PreferenceData>(key: K): PreferenceData[K] | undefined => readPlain()[key];
  const writable = async (): Promise<Conf<PreferenceData>> => {
    // conf reads it with readFileSync when it opens: a FIFO or a device there must be refused before that
    assertRegularOrAbsent(file, { what: 'hubctl preferences file', maxBytes: 1024 * 1024 });
    ConfCtor ??= await loadConf();
    return open();
  };
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
    async setDefaultStore(kind) {
      if (kind === undefined) {
        if (read('defaultStore') !== undefined) (await writable()).delete('defaultStore');
      } else (await writable()).set('defaultStore', kind);
    },
    storeFor(registry) {
      const v = servers()[configKey(registry)];
      return isStoreKind(v) ? v : undefined;
    },
    async setStoreFor(registry, kind) {
      const all = servers();
      const key = configKey(registry);
      if (kind === undefined) {
        if (!(key in all)) return;
        delete all[key];
      } else {
        if (all[key] === kind) return;
        all[key] = kind;
      }
      (await writable()).set('servers', all);
    },
  };
}
