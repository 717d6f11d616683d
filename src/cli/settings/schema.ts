/**
 * hubctl's own settings (`hubctl config`): each key with its JSON Schema (conf validates writes with
 * it), the environment variable that overrides it, and how a command-line string becomes a value.
 * Precedence everywhere: a flag, then the environment variable, then the settings file, then the default.
 */
import { usageError } from '../../errors.js';

export type SettingValue = string | string[];

export interface SettingSpec {
  description: string;
  env: string;
  /** JSON Schema of the value (conf and ajv check writes against it). */
  schema: Record<string, unknown>;
  list: boolean;
  /** The default, shown by `config list`; undefined when it depends on the machine (computed by the resolver). */
  defaultText: string;
}

const HOST_PORT = '^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:[0-9]{1,5})?$';

export const SETTINGS = {
  store: {
    description: 'image store directory (an absolute path)',
    env: 'HUBCTL_STORE',
    schema: { type: 'string', pattern: '^/' },
    list: false,
    defaultText: '$XDG_DATA_HOME/hubctl/store or ~/.local/share/hubctl/store',
  },
  'insecure-registries': {
    description: 'registries (host[:port]) reached over plain HTTP or unverified TLS, as with --insecure',
    env: 'HUBCTL_INSECURE_REGISTRIES',
    schema: { type: 'array', items: { type: 'string', pattern: HOST_PORT }, uniqueItems: true },
    list: true,
    defaultText: '(none)',
  },
  'hub-url': {
    description: "Docker Hub's API for the hub commands",
    env: 'HUBCTL_HUB_URL',
    schema: { type: 'string', pattern: '^https?://[^/\\s]+(/\\S*)?$' },
    list: false,
    defaultText: 'https://hub.docker.com',
  },
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
export const DEFAULT_HUB_URL = 'https://hub.docker.com';

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS, key);
}

export function settingKey(key: string): SettingKey {
  if (isSettingKey(key)) return key;
  throw usageError('UNKNOWN_SETTING', `unknown setting "${key}"`, { hint: `settings: ${SETTING_KEYS.join(', ')}` });
}

/** The JSON Schema conf is given: one property per key, nothing else allowed in the file. */
export function confSchema(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(SETTING_KEYS.map((k) => [k, SETTINGS[k].schema]));
}

/** A value from the command line or the environment: lists are comma- or space-separated words. */
export function parseSettingValue(key: SettingKey, words: readonly string[]): SettingValue {
  const spec: SettingSpec = SETTINGS[key];
  if (spec.list) return [...new Set(words.flatMap((w) => w.split(/[\s,]+/)).filter(Boolean))];
  if (words.length !== 1) throw usageError('INVALID_SETTING', `${key} takes one value, not ${words.length}`);
  return words[0] ?? '';
}

/** Why `value` does not fit the schema of `key`, or undefined when it does (the checks conf's ajv makes). */
export function settingProblem(key: SettingKey, value: unknown): string | undefined {
  const schema = SETTINGS[key].schema as { type: string; pattern?: string; items?: { pattern: string } };
  const matches = (v: unknown, pattern: string | undefined) =>
    typeof v === 'string' && (pattern === undefined || new RegExp(pattern).test(v));
  if (schema.type === 'array') {
    if (!Array.isArray(value)) return 'must be a list';
    const bad = value.find((v) => !matches(v, schema.items?.pattern));
    return bad === undefined ? undefined : `"${String(bad)}" is not a host[:port]`;
  }
  if (!matches(value, schema.pattern)) {
    return key === 'store' ? `"${String(value)}" is not an absolute path` : `"${String(value)}" is not an http(s) URL`;
  }
  return undefined;
}
