export {
  SETTINGS,
  SETTING_KEYS,
  DEFAULT_HUB_URL,
  type SettingKey,
  type SettingValue,
  settingKey,
  parseSettingValue,
  settingProblem,
} from './schema.js';
export { settingsDir, settingsFile, readSettingsFile } from './file.js';
export { resolveStoreRoot, insecureRegistries, resolveHubUrl, settingFromEnvOrFile, type SettingSource } from './resolve.js';
