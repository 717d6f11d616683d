/**
 * Where a command's options come from: a flag, else the environment variable, else the settings file,
 * else the default. client-options.ts uses these for every command; the hub commands call
 * resolveHubUrl for the Hub API's address.
 */
import { homedir } from 'node:os';
import { defaultStoreRoot } from '../../store/layout.js';
import type { CliRuntime } from '../runtime.js';
import { readSettingsFile, settingsFile } from './file.js';
import { DEFAULT_HUB_URL, parseSettingValue, SETTINGS, type SettingKey, type SettingValue, settingProblem } from './schema.js';
import { usageError } from '../../errors.js';

export type SettingSource = 'flag' | 'env' | 'file' | 'default';

/** The settings file, read once per command. */
const cache = new WeakMap<CliRuntime, ReturnType<typeof readSettingsFile>>();
function fileSettings(rt: CliRuntime): ReturnType<typeof readSettingsFile> {
  let s = cache.get(rt);
  if (s === undefined) {
    s = readSettingsFile(settingsFile(rt.env, homedir()));
    cache.set(rt, s);
  }
  return s;
}

/** A setting from the environment or the file (no flag, no default), with where it came from. */
export function settingFromEnvOrFile(rt: CliRuntime, key: SettingKey): { value: SettingValue; source: 'env' | 'file' } | undefined {
  const spec = SETTINGS[key];
  const raw = rt.env[spec.env];
  if (raw !== undefined && raw !== '') {
    const value = parseSettingValue(key, [raw]);
    const problem = settingProblem(key, value);
    if (problem !== undefined) throw usageError('INVALID_SETTING', `${spec.env}: ${problem}`);
    return { value, source: 'env' };
  }
  const v = fileSettings(rt)[key];
  return v === undefined ? undefined : { value: v, source: 'file' };
}

/** The image store: --root, else $HUBCTL_STORE, else `store` in the settings, else the XDG default. */
export function resolveStoreRoot(rt: CliRuntime): string {
  const flag = rt.globals().root;
  if (flag !== undefined) return flag;
  const set = settingFromEnvOrFile(rt, 'store');
  if (set !== undefined) return set.value as string;
  return defaultStoreRoot({ ...rt.env, HUBCTL_STORE: undefined }, homedir());
}

/** Registries treated as --insecure: $HUBCTL_INSECURE_REGISTRIES, else `insecure-registries` in the settings. */
export function insecureRegistries(rt: CliRuntime): string[] {
  const set = settingFromEnvOrFile(rt, 'insecure-registries');
  return set === undefined ? [] : (set.value as string[]);
}

/**
 * Docker Hub's API address for the hub commands: their flag (when they have one), else
 * $HUBCTL_HUB_URL, else `hub-url` in the settings, else https://hub.docker.com. No trailing slash.
 */
export function resolveHubUrl(rt: CliRuntime, flag?: string): string {
  let url = flag;
  if (url !== undefined) {
    const problem = settingProblem('hub-url', url);
    if (problem !== undefined) throw usageError('INVALID_FLAG', `--hub-url: ${problem}`);
  }
  url ??= (settingFromEnvOrFile(rt, 'hub-url')?.value as string | undefined) ?? DEFAULT_HUB_URL;
  return url.replace(/\/+$/, '');
}
