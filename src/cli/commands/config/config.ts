/** The `hubctl config` subcommands (declared in ./declare.ts). */
import { homedir } from 'node:os';
import { usageError } from '../../../errors.js';
import { alignColumns } from '../../../format/tabwriter.js';
import type { CliRuntime } from '../../runtime.js';
import {
  parseSettingValue,
  resolveHubUrl,
  resolveStoreRoot,
  SETTING_KEYS,
  SETTINGS,
  settingFromEnvOrFile,
  settingKey,
  settingProblem,
  settingsFile,
  type SettingKey,
  type SettingSource,
} from '../../settings/index.js';

export interface ConfigListFlags {
  format?: string;
}

interface Row {
  Key: SettingKey;
  Value: string | string[];
  Source: SettingSource;
  Env: string;
  Description: string;
}

function effective(rt: CliRuntime, key: SettingKey): Row {
  const spec = SETTINGS[key];
  const base = { Key: key, Env: spec.env, Description: spec.description };
  if (key === 'store' && rt.globals().root !== undefined) return { ...base, Value: resolveStoreRoot(rt), Source: 'flag' };
  const set = settingFromEnvOrFile(rt, key);
  if (set !== undefined) return { ...base, Value: set.value, Source: set.source };
  const value = key === 'store' ? resolveStoreRoot(rt) : key === 'hub-url' ? resolveHubUrl(rt) : [];
  return { ...base, Value: value, Source: 'default' };
}

export async function configList(rt: CliRuntime, opts: ConfigListFlags): Promise<void> {
  const rows = SETTING_KEYS.map((k) => effective(rt, k));
  const format = opts.format ?? 'table';
  if (format === 'json') {
    rt.out.data(JSON.stringify(rows.map((r) => ({ key: r.Key, value: r.Value, source: r.Source, env: r.Env }))));
    return;
  }
  if (format !== 'table') {
    const { renderTemplateRows } = await import('../../template-rows.js');
    const view = rows.map((r) => ({ ...r, Value: Array.isArray(r.Value) ? r.Value.join(',') : r.Value }));
    for (const line of renderTemplateRows(format, view, Object.keys(view[0] ?? {}))) rt.out.data(line);
    return;
  }
  const table = [['KEY', 'VALUE', 'SOURCE'], ...rows.map((r) => [r.Key, Array.isArray(r.Value) ? r.Value.join(',') : r.Value, r.Source])];
  for (const line of alignColumns(table.map((r) => r.join('\t')).join('\n')).split('\n')) rt.out.data(line);
  rt.out.info(`settings file: ${settingsFile(rt.env, homedir())}`);
}

export async function configGet(rt: CliRuntime, key: string): Promise<void> {
  const row = effective(rt, settingKey(key));
  for (const v of Array.isArray(row.Value) ? row.Value : [row.Value]) rt.out.data(v);
}

export async function configSet(rt: CliRuntime, key: string, words: string[]): Promise<void> {
  const k = settingKey(key);
  const value = parseSettingValue(k, words);
  const problem = settingProblem(k, value);
  if (problem !== undefined) throw usageError('INVALID_SETTING', `${k}: ${problem}`, { hint: SETTINGS[k].description });
  const { openSettingsStore } = await import('../../settings/store.js');
  const store = await openSettingsStore(rt.env, homedir());
  store.set(k, value);
  const env = rt.env[SETTINGS[k].env];
  if (env !== undefined && env !== '') rt.out.warn(`${SETTINGS[k].env} is set and wins over the settings file`);
}

export async function configUnset(rt: CliRuntime, key: string): Promise<void> {
  const k = settingKey(key);
  const { openSettingsStore } = await import('../../settings/store.js');
  const store = await openSettingsStore(rt.env, homedir());
  if (!store.unset(k)) rt.out.info(`${k} is not set in ${store.path}`);
}
