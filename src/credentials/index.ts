export type { Credential, CredentialSource } from './types.js';
export type { CredentialsOptions, KeyringLike, SpawnFn } from './options.js';
export { dockerConfigPath, authFilePaths, preferencesDir, DEFAULT_HELPER_TIMEOUT_MS } from './options.js';
export {
  DOCKER_HUB_CONFIG_KEY,
  configKey,
  convertToHostname,
  helperServerUrl,
  isDockerHub,
  keyMatchesRegistry,
  registryHost,
} from './server-key.js';
export type { DockerConfigFile } from './config-file.js';
export { readDockerConfig, writeDockerConfig } from './config-file.js';
export { decodeAuth, encodeAuth } from './auth-entry.js';
export type { CredentialBackend } from './backend.js';
export type { HelperOptions } from './helper.js';
export { createHelperBackend, TOKEN_USERNAME } from './helper.js';
export type { KeychainOptions } from './keychain.js';
export { createKeychainBackend, loadKeyring, DEFAULT_KEYCHAIN_SERVICE } from './keychain.js';
export type { Preferences, StoreKind } from './preferences.js';
export { openPreferences, isStoreKind, STORE_KINDS } from './preferences.js';
export type { AuthFileMatch } from './auth-file.js';
export { findInAuthFiles } from './auth-file.js';
export type { CredentialOrigin, FoundCredential, FindOptions, SourceOptions } from './resolver.js';
export { createCredentialSource, findCredential, isCredentialError, keychainBackend } from './resolver.js';
export { legacyKeytar, type LegacyKeytar, type LegacyItem } from './legacy-keytar.js';
export type { EraseResult, SaveOptions, SaveResult } from './login-store.js';
export { eraseCredential, saveCredential, storedUsername } from './login-store.js';
export { plaintextWarningText } from './messages.js';
