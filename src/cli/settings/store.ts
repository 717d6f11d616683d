/**
 * The settings file as `hubctl config` changes it: conf, with the JSON Schema of schema.ts (ajv checks
 * every write), atomic writes (write-file-atomic style, via conf's `atomically`), mode 0600. conf is
 * imported only here, when `hubctl config` runs.
 */
import { mkdirSync } from 'node:fs';
import type Conf from 'conf';
import { storeError, usageError } from '../../errors.js';
import { assertRegularOrAbsent } from '../../fs/read-regular.js';
import { MAX_SETTINGS_BYTES, settingsDir } from './file.js';
import { confSchema, type SettingKey, type SettingValue } from './schema.js';

export interface SettingsStore {
  readonly path: string;
  get(key: SettingKey): SettingValue | undefined;
  set(key: SettingKey, value: SettingValue): void;
  unset(key: SettingKey): boolean;
}

export async function openSettingsStore(env: Readonly<Record<string, string | undefined>>, home: string): Promise<SettingsStore> {
  const cwd = settingsDir(env, home);
  const path = `${cwd}/config.json`;
  // conf reads it with readFileSync when it opens: a FIFO or a device there is refused before that
  assertRegularOrAbsent(path, { what: 'hubctl settings file', maxBytes: MAX_SETTINGS_BYTES });
  const ConfCtor = (await import('conf')).default;
  let conf: Conf<Record<string, unknown>>;
  try {
    mkdirSync(cwd, { recursive: true, mode: 0o700 });
    conf = new ConfCtor<Record<string, unknown>>({
      projectName: 'hubctl',
      cwd,
      configName: 'config',
      schema: confSchema(),
      accessPropertiesByDotNotation: false,
      configFileMode: 0o600,
      clearInvalidConfig: false,
      watch: false,
    });
  } catch (e) {
    throw storeError('SETTINGS_INVALID', `cannot use hubctl's settings ${path}: ${(e as Error).message}`, {
      hint: `fix or remove ${path}`,
      cause: e,
    });
  }
  return {
    path,
    get: (key) => conf.get(key) as SettingValue | undefined,
    set(key, value) {
      try {
        conf.set(key, value);
      } catch (e) {
        // ajv's words, after the checks in the command have passed: still one clear line
        throw usageError('INVALID_SETTING', `${key}: ${(e as Error).message}`, { cause: e });
      }
    },
    unset(key) {
      if (!conf.has(key)) return false;
      conf.delete(key);
      return true;
    },
  };
}
