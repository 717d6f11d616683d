export { parseWwwAuthenticate, pickChallenge, challengeScopes, type Challenge } from './challenge.js';
export { parseScope, formatScope, repositoryScope, mergeScopes, scopeKey, scopesCover, type Scope } from './scope.js';
export { validateRealm } from './realm.js';
export { fetchToken, basicAuth, CLIENT_ID, MIN_TOKEN_TTL_S, type Token, type TokenRequest } from './token.js';
export { TokenCache, REFRESH_MARGIN_MS } from './token-cache.js';
export { ping, httpAllowed, type PingResult, type PingOptions } from './ping.js';
export { RegistrySession, createTransport, DEFAULT_USER_AGENT } from './session.js';
export { verifyCredentials, type LoginCredential, type LoginResult } from './login.js';
export { closeAllTransports } from '../http/dispatcher.js';
