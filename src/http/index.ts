export type {
  HttpMethod,
  ReplayableBody,
  RegistryRequest,
  RegistryResponse,
  RetryPolicyOptions,
  TransportOptions,
  RegistryTransport,
} from './types.js';
export { HttpClient, MAX_REDIRECTS, type SendRequest, type HttpClientOptions } from './client.js';
export { RetryPolicy, RETRYABLE_STATUSES, parseRetryAfter, errorCode, defaultSleep, type RetryDecision } from './retry.js';
export {
  statusError,
  connectionError,
  parseErrorEnvelope,
  isPullRateLimit,
  isCertificateError,
  type RegistryErrorEntry,
  type StatusErrorContext,
} from './errors.js';
export { LIMITS, readBytes, readText, readJson, readPrefix, discardBody } from './body.js';
export { makeResponse, bufferedResponse, firstHeader, allHeaders, normalizeHeaders, type RawHeaders } from './response.js';
export { isLoopbackHost, isLinkLocalOrMetadata, hostOf, bareHost } from './hosts.js';
export { acquireDispatcher, closeAllTransports, loadExtraCAs, proxyEnv, POOL_CONNECTIONS, type DispatcherConfig } from './dispatcher.js';
export { describeUrl } from './debug.js';
export { parseNextLink, resolveLink } from './link.js';
