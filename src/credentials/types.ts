/** What a registry login holds. Never logged or printed. */
export interface Credential {
  username?: string;
  password?: string;
  /** OAuth2 refresh token from a token server (config.json `identitytoken`). */
  identityToken?: string;
  /** A bearer token to send as it is (config.json `registrytoken`). */
  registryToken?: string;
}

/**
 * Finds the credential for a registry host (`docker.io`, `localhost:5000`). Resolves to undefined
 * when nothing is stored. Implemented by src/credentials from docker's config.json, helpers, keychain.
 */
export type CredentialSource = (registry: string) => Promise<Credential | undefined>;
