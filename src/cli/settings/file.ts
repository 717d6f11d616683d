/**
 * The settings file, `$XDG_CONFIG_HOME/hubctl/config.json` (else `~/.config/hubctl/config.json`).
 * Commands read it with a plain JSON parse (conf and ajv cost ~200 ms to load, more than a whole
 * `hubctl images`); `hubctl config` writes it through conf with the schema (store.ts).
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { HubctlError, storeError } from '../../errors.js';
import { readRegularFileSync } from '../../fs/read-regular.js';
import { isSettingKey, type SettingKey, type SettingValue, settingProblem } from './schema.js';

export function settingsDir(env: Readonly<Record<string, string | undefined>>, home = homedir()): string {
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg !== undefined && isAbsolute(xdg) ? xdg : join(home, '.config'), 'hubctl');
}

export function settingsFile(env: Readonly<Record<string, string | undefined>>, home = homedir()): string {
  return join(settingsDir(env, home), 'config.json');
}

/** The most a settings file may hold; conf writes a few hundred bytes. */
export const MAX_SETTINGS_BYTES = 1024 * 1024;

/**
 * The settings in the file ({} when there is none); a file hubctl cannot use is a store error (exit 7).
 * Like every config file, it must be a regular file: a FIFO or a device is refused unread.
 */
export function readSettingsFile(file: string): Partial<Record<SettingKey, SettingValue>> {
  let text: string;
  try {
    const bytes = readRegularFileSync(file, { what: 'hubctl settings file', maxBytes: MAX_SETTINGS_BYTES });
    if (bytes === undefined) return {};
    text = bytes.toString('utf8');
  } catch (e) {
    if (e instanceof HubctlError) throw e;
    throw storeError('SETTINGS_UNREADABLE', `cannot read hubctl's settings ${file}: ${(e as Error).message}`, { cause: e });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw storeError('SETTINGS_INVALID', `hubctl's settings ${file} are not valid JSON: ${(e as Error).message}`, {
      hint: `fix or remove ${file}`,
      cause: e,
    });
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw storeError('SETTINGS_INVALID', `hubctl's settings ${file} must hold a JSON object`, { hint: `fix or remove ${file}` });
  }
  const out: Partial<Record<SettingKey, SettingValue>> = {};
  for (const [key, value] of Object.entries(data)) {
    if (!isSettingKey(key)) continue; // a newer hubctl's key: kept in the file, unused here
    const problem = settingProblem(key, value);
    if (problem !== undefined) {
      throw storeError('SETTINGS_INVALID', `hubctl's setting ${key} in ${file}: ${problem}`, {
        hint: `hubctl config set ${key} VALUE, or hubctl config unset ${key}`,
      });
    }
    out[key] = value as SettingValue;
  }
  return out;
}
