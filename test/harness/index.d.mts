// Types for the shared test harness (plain ESM JavaScript in this folder). Import from './index.mjs'.
/// <reference types="node" />
import type { Readable } from 'node:stream';

// ---------- tools.mjs / proc.mjs ----------
export interface ToolSpec {
  name: string;
  purpose: string;
  apt: string;
}
export const REQUIRED_TOOLS: ToolSpec[];
export const INSTALL_COMMAND: string;
export function findTool(name: string): string | null;
export function requireTool(name: string): string;
export function checkTools(tools?: ToolSpec[]): { ok: boolean; missing: ToolSpec[]; found: Record<string, string>; message: string };

export interface RunOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  cwd?: string;
  redact?: string[];
}
export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}
/** Rejects with an Error (message = redacted command line, why, stderr tail; plus stdout/stderr/code fields). */
export function runTool(tool: string, args: string[], opts?: RunOptions): Promise<RunResult>;
export function redactText(text: string, secrets?: string[]): string;
export function freePort(): Promise<number>;

// ---------- token-server.mjs ----------
export type TokenServerMode = 'ok' | 'down' | 'garbage' | 'bad-token' | 'reset';
export interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
}
export interface AccessRule {
  /** a user name, '*' = anyone incl. anonymous (default), '+' = any authenticated user */
  account?: string;
  /** glob on the repository name (`*` matches anything incl. `/`, `{user}` = the account) or a RegExp;
   *  a glob containing ':' matches `type:name` of non-repository scopes (e.g. 'registry:catalog') */
  repo: string | RegExp;
  actions: string[];
}
export interface TokenServerOptions {
  users?: Record<string, string>;
  /** `service` (= JWT aud) and `issuer` (= iss) put in the registry config. */
  service?: string;
  issuer?: string;
  /** expires_in reported and default exp - iat (default 300). */
  lifetimeSeconds?: number;
  /** When set, exp = iat + expOffsetSeconds (distribution allows 60 s leeway; e.g. -55 gives ~5 s of validity). */
  expOffsetSeconds?: number;
  /** logged-in users get registry:catalog:* (default true) */
  catalogForUsers?: boolean;
  /** everyone gets pull outside `private/` (default true) */
  anonymousPull?: boolean;
  /** actions a user gets on `<user>` and `<user>/*` (default ['pull','push','delete']) */
  ownNamespace?: string[];
  /** users granted everything (default ['admin']) */
  admins?: string[];
  /** extra grants on top of the defaults */
  rules?: AccessRule[];
  /** replaces the whole policy: the actions allowed for this account and scope ('*' = all) */
  authorize?: (account: string | null, scope: AccessEntry) => string[];
  /** POST without client_id -> 400 invalid_request (default true, as the distribution OAuth spec says) */
  requireClientId?: boolean;
  mode?: TokenServerMode;
  /** where to write the signing key/cert (default: own temp dir, removed on stop) */
  dir?: string;
  /** URL path of the realm (default '/token') */
  path?: string;
  /** JWT signature: RS256 with an RSA 2048 cert (default) or ES256 with a P-256 cert; both accepted by distribution 2.8 */
  signingAlg?: 'RS256' | 'ES256';
  /** serve https with this cert/key; via startRegistry: default true when the registry uses TLS (same test CA), false = http realm */
  tls?: boolean | { certFile: string; keyFile: string };
}
export interface TokenRequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** whether an Authorization: Basic header was sent, and for which user (never the password) */
  basic: boolean;
  user: string | null;
  authOk: boolean;
  grantType?: string;
  /** POST form fields; password and refresh_token values are '<redacted>' */
  form?: Record<string, string>;
  scopes: string[];
  granted?: AccessEntry[];
  /** HTTP status sent; -1 = connection reset */
  status: number;
  time: number;
}
export interface TokenServer {
  /** realm URL, e.g. http://127.0.0.1:PORT/token */
  realm: string;
  url: string;
  port: number;
  service: string;
  issuer: string;
  rootCertFile: string;
  signingKeyFile: string;
  users: Record<string, string>;
  log: TokenRequestLogEntry[];
  readonly mode: TokenServerMode;
  setMode(mode: TokenServerMode): void;
  set(s: { lifetimeSeconds?: number; expOffsetSeconds?: number | undefined; mode?: TokenServerMode }): void;
  clearLog(): void;
  addUser(user: string, password: string): void;
  refreshTokensOf(user: string): string[];
  issueToken(
    account: string | null,
    access: AccessEntry[],
    opt?: { lifetimeSeconds?: number; expOffsetSeconds?: number; audience?: string; issuer?: string },
  ): { token: string; expiresIn: number; issuedAt: string };
  stop(): Promise<void>;
}
export function startTokenServer(options?: TokenServerOptions): Promise<TokenServer>;
export function parseScope(scope: string): AccessEntry | null;

// ---------- registry.mjs ----------
export type RegistryMode = 'open' | 'htpasswd' | 'token';
export interface StartRegistryOptions {
  mode?: RegistryMode;
  tls?: boolean;
  /** default for htpasswd/token: DEFAULT_USERS; in token mode they are merged with token.users */
  users?: Record<string, string>;
  token?: TokenServerOptions;
  /** storage.delete.enabled (default true) */
  deleteEnabled?: boolean;
  /** parent directory (e.g. tmpfs) in which the registry's data dir is created; removed on stop unless keepData */
  storageDir?: string;
  keepData?: boolean;
  /** wait for GET /v2/ (default 10000) */
  readyTimeoutMs?: number;
  /** distribution log level (default 'warn') */
  logLevel?: string;
  /** how the bcrypt htpasswd file is made (default 'auto': htpasswd when installed, else pure node) */
  htpasswdImpl?: 'auto' | 'htpasswd' | 'node';
  /** distribution's `notifications` section as is, e.g. `{ endpoints: [{ name, url, headers, timeout, threshold, backoff }] }` */
  notifications?: RegistryNotifications;
  /** turn on distribution's access log (one line per request), read back with Registry.accessLog() */
  accessLog?: boolean;
}
export interface RegistryNotificationEndpoint {
  name: string;
  url: string;
  /** header name -> values, e.g. `{ Authorization: ['Bearer SECRET'] }` */
  headers?: Record<string, string[]>;
  /** Go durations: '1s', '500ms' */
  timeout?: string;
  threshold?: number;
  backoff?: string;
  ignoredmediatypes?: string[];
  ignore?: { mediatypes?: string[]; actions?: string[] };
}
export interface RegistryNotifications {
  events?: { includereferences?: boolean };
  endpoints: RegistryNotificationEndpoint[];
}
export interface AccessLogEntry {
  method: string;
  /** path and query as requested, e.g. /v2/a/blobs/uploads/?from=b&mount=sha256:... */
  path: string;
  status: number;
  line: string;
}
export interface Registry {
  /** '127.0.0.1:PORT' */
  host: string;
  /** 'http://127.0.0.1:PORT' or 'https://…' */
  url: string;
  mode: RegistryMode;
  tls: boolean;
  /** TLS only: test CA certificate (PEM file), its PEM text, and a certs.d-style dir holding only ca.crt (skopeo --cert-dir) */
  caFile?: string;
  ca?: string;
  certDir?: string;
  users: Record<string, string>;
  tokenServer?: TokenServer;
  /** storage root directory */
  dataDir: string;
  configFile: string;
  workDir: string;
  pid?: number;
  /** registry stdout+stderr so far (last 16 kB) */
  output(): string;
  /** with accessLog: every request so far, oldest first (empty without) */
  accessLog(): AccessLogEntry[];
  /** kill the registry and token server, remove temp dirs (idempotent) */
  stop(): Promise<void>;
}
export const DEFAULT_USERS: Readonly<{ alice: string; bob: string; admin: string }>;
export function startRegistry(opts?: StartRegistryOptions): Promise<Registry>;

// ---------- certs / htpasswd / jwt ----------
export function makeTlsCerts(
  dir: string,
): Promise<{ caFile: string; caKeyFile: string; certFile: string; keyFile: string; certDir: string }>;
export function makeSigningCert(dir: string, keyType?: 'rsa' | 'ec'): Promise<{ certFile: string; keyFile: string }>;
/** impl 'auto' (default): `htpasswd -Bbn` when installed, else the pure-node bcrypt */
export function writeHtpasswd(file: string, users: Record<string, string>, opts?: { impl?: 'auto' | 'htpasswd' | 'node' }): Promise<void>;
export function bcryptLine(user: string, password: string, opts?: { impl?: 'auto' | 'htpasswd' | 'node' }): Promise<string>;
/** `$2y$` bcrypt (cost default 5), verified against Apache htpasswd */
export function bcryptHash(password: string, opts?: { cost?: number; salt?: Uint8Array }): string;
export function signJwt(claims: Record<string, unknown>, signer: { keyPem: string; certPem: string }): string;
/** A JWT's JOSE header as signJwt writes it */
export interface JwtHeader {
  typ?: string;
  alg: string;
  /** base64 DER certificates, leaf first */
  x5c?: string[];
  kid?: string;
}
/** A registry token's claim set (distribution's token auth) */
export interface JwtClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  access?: AccessEntry[];
}
/** Decodes without verifying: the shapes are what a well-formed registry token carries */
export function decodeJwt(token: string): { header: JwtHeader; claims: JwtClaims };

// ---------- images: layout, skopeo ----------
export type LayerContent = 'random' | 'pattern' | 'zero';
export interface LayerBlob {
  digest: string;
  size: number;
  diffId: string;
  uncompressedSize: number;
  mediaType: string;
}
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}
export interface ImageSpec {
  /** uncompressed size of each layer's data file; or count + size; default one 1 KiB layer */
  layers?: number[];
  count?: number;
  size?: number;
  /** uncompressed data split evenly over `count` layers (default 1) */
  totalSize?: number;
  /** 'random' (incompressible, default; gzip level 0 = stored unless gzipLevel) | 'pattern' | 'zero' (gzip level 6) */
  content?: LayerContent;
  gzipLevel?: number;
  /** OCI index: linux/amd64 + linux/arm64/v8 + an unknown/unknown attestation manifest (see attestation) */
  multiArch?: boolean;
  /** default: true for OCI, false for format 'v2s2' (skopeo cannot convert the in-toto layer) */
  attestation?: boolean;
  /** explicit platform list (makes an index) */
  platforms?: Platform[];
  /** layers written in parallel (default 2) */
  concurrency?: number;
  labels?: Record<string, string>;
  format?: 'oci' | 'v2s2';
}
export interface BuiltImage {
  platform: Platform;
  digest: string;
  size: number;
  config: Descriptor;
  layers: LayerBlob[];
}
export interface BuiltLayout {
  dir: string;
  tag: string;
  digest: string;
  mediaType: string;
  size: number;
  images: BuiltImage[];
  attestation?: Descriptor;
}
export const MT: Readonly<{ ociManifest: string; ociIndex: string; ociConfig: string; ociLayerGzip: string; inToto: string }>;
export function writeImageLayout(dir: string, tag: string, spec?: ImageSpec): Promise<BuiltLayout>;
export function writeJsonBlob(dir: string, mediaType: string, obj: unknown): Promise<Descriptor>;
export function writeTarGzLayer(
  layoutDir: string,
  files: { path: string; size: number; content?: LayerContent }[],
  opts?: { gzipLevel?: number; salt?: string; mediaType?: string },
): Promise<LayerBlob>;
export function contentStream(size: number, content: LayerContent, salt: string): Readable;

export interface RegistryLike {
  host: string;
  tls?: boolean;
  certDir?: string;
  mode?: string;
  users?: Record<string, string>;
}
/** 'user:pass', an object, or null = anonymous */
export type Creds = { username: string; password: string } | string | null;
export interface SkopeoRemoteOptions {
  creds?: Creds;
  timeoutMs?: number;
  /** TLS flags follow the registry: --cert-dir <certDir> for TLS, --tls-verify=false for plain HTTP */
  registry?: RegistryLike;
  tlsVerify?: boolean;
  certDir?: string;
}
export interface SeedOptions extends ImageSpec {
  /** undefined = user named by the repo's first path component, else admin, else first user (auth registries); null = anonymous */
  creds?: Creds;
  /** build the layout here and keep it (otherwise a temp dir, removed) */
  layoutDir?: string;
  keepLayout?: boolean;
  tmpDir?: string;
  timeoutMs?: number;
}
/** Build + push with `skopeo copy --all`; resolves with the digest skopeo reports (--digestfile). */
export function seedImage(registry: RegistryLike, ref: string, opts?: SeedOptions): Promise<string>;
export function seedImageDetailed(
  registry: RegistryLike,
  ref: string,
  opts?: SeedOptions,
): Promise<{ digest: string; ref: string; repo: string; tag: string; layout: BuiltLayout }>;
export function splitRepoTag(ref: string): { repo: string; tag: string };
export function defaultCreds(r: RegistryLike, repo: string): Creds;
export function remoteFlags(side: 'src' | 'dest' | '', o: SkopeoRemoteOptions): { args: string[]; secrets: string[] };
export function runSkopeo(args: string[], opts?: RunOptions): Promise<RunResult>;
export function runUmoci(args: string[], opts?: RunOptions): Promise<RunResult>;
/** refs: 'host/repo:tag' (= docker://), or any skopeo transport ('oci:dir:tag', 'docker-archive:…') */
export function skopeoCopy(
  src: string,
  dest: string,
  opts?: {
    src?: SkopeoRemoteOptions;
    dest?: SkopeoRemoteOptions;
    format?: 'oci' | 'v2s2';
    all?: boolean;
    timeoutMs?: number;
    extraArgs?: string[];
  },
): Promise<string>;
/** `skopeo inspect --raw`: the manifest, index or manifest list as the registry serves it */
export interface InspectedManifest {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  /** image manifest */
  config?: Descriptor;
  layers?: Descriptor[];
  /** index / manifest list */
  manifests?: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}
/** `skopeo inspect --config`: the image config */
export interface InspectedConfig {
  architecture: string;
  os: string;
  variant?: string;
  created?: string;
  config?: Record<string, unknown>;
  rootfs: { type: string; diff_ids: string[] };
  history?: Record<string, unknown>[];
}
/** plain `skopeo inspect`: skopeo's own summary of the image */
export interface InspectedImage {
  Name?: string;
  Digest: string;
  RepoTags?: string[];
  Created?: string;
  DockerVersion?: string;
  Labels?: Record<string, string> | null;
  Architecture?: string;
  Variant?: string;
  Os?: string;
  Layers?: string[];
  Env?: string[] | null;
}
export function skopeoInspect(ref: string, opts: SkopeoRemoteOptions & { config: true }): Promise<InspectedConfig>;
export function skopeoInspect(ref: string, opts: SkopeoRemoteOptions & { raw: true; config?: false }): Promise<InspectedManifest>;
export function skopeoInspect(ref: string, opts?: SkopeoRemoteOptions & { raw?: false; config?: false }): Promise<InspectedImage>;
export function skopeoInspectText(ref: string, opts?: SkopeoRemoteOptions & { raw?: boolean; config?: boolean }): Promise<string>;
/** sha256 of the raw manifest bytes skopeo fetches */
export function skopeoDigest(ref: string, opts?: SkopeoRemoteOptions): Promise<string>;

// ---------- fault-proxy.mjs ----------
export type FaultAction =
  /** forward the response head and `afterBytes` body bytes (default 0), then RST the client connection */
  | { type: 'reset'; afterBytes?: number }
  /** forward `afterBytes` body bytes, then nothing for `ms` (forever when absent), then the rest */
  | { type: 'stall'; afterBytes?: number; ms?: number }
  /** answer this status without asking the registry (default body: a registry error envelope) */
  | { type: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** 429 (or `status`) with `Retry-After: value` (seconds or an HTTP date) */
  | { type: 'retry-after'; value: string; status?: number }
  /** Docker Hub's pull limit: 429 TOOMANYREQUESTS + ratelimit-limit / ratelimit-remaining (`<n>;w=21600`) */
  | { type: 'toomanyrequests'; limit?: string; remaining?: string }
  /** xor 0xff into the body byte at offset `at` (default 0) */
  | { type: 'flip'; at?: number }
  /** remove the Range request header, so the registry answers 200 with the whole blob */
  | { type: 'strip-range' }
  /** answer 307 (or `status`) to `to` + the request path + `?expires=<n>` (n counts redirects) */
  | { type: 'redirect'; to: string; status?: number }
  /** forward the request (body included) to the server, but never send its answer back */
  | { type: 'hang' }
  /** swallow the request: it never reaches the server and is never answered */
  | { type: 'blackhole' }
  /** hold the request `ms` before sending it on (e.g. until a token has expired) */
  | { type: 'delay'; ms: number }
  /** forward, but set this header on the server's response (e.g. a wrong Content-Range) */
  | { type: 'response-header'; name: string; value: string }
  /** set (or replace) several headers of the upstream's answer */
  | { type: 'response-headers'; headers: Record<string, string> }
  /** forward, but send the response head one byte every `everyMs` (the body at once after it) */
  | { type: 'trickle-head'; everyMs: number }
  /** forward, the head at once, then the body one byte every `everyMs` */
  | { type: 'trickle-body'; everyMs: number }
  /** answer `100 Continue` every `everyMs` (default 10) forever, never a final answer */
  | { type: 'interim-flood'; everyMs?: number }
  /** forward the head (its Content-Length unchanged), then all but the last `missing` body bytes, then close */
  | { type: 'short-body'; missing: number }
  | { type: 'pass' };
export interface FaultRule {
  method?: string;
  /** RegExp tested on the request target, or a substring */
  path?: RegExp | string;
  /** act from the nth matching request on (1-based, default 1) */
  nth?: number;
  /** how many matching requests get the action (default 1) */
  times?: number;
  action: FaultAction;
}
export interface ProxyRecord {
  seq: number;
  method: string;
  /** request target as sent (path + query) */
  path: string;
  /** lower-cased request headers; an Authorization value is replaced by '<present>' (never recorded) */
  headers: Record<string, string>;
  authorization: boolean;
  range?: string;
  /** the action applied, or 'expired' */
  fault?: string;
  status?: number;
  /** Content-Range and Location of the upstream response */
  contentRange?: string;
  location?: string;
  /** response body bytes forwarded to the client */
  bodyBytes: number;
  time: number;
}
export interface FaultProxyOptions {
  /** `host:port` of the real server */
  upstream: string;
  /** added to every forwarded request (e.g. a credential only the "storage" side knows) */
  upstreamHeaders?: Record<string, string>;
  /** a second request carrying an already seen `expires` query value gets 403 (an expired pre-signed URL) */
  expiringRedirects?: boolean;
}
export interface FaultProxy {
  port: number;
  /** '127.0.0.1:PORT' */
  host: string;
  url: string;
  log: ProxyRecord[];
  setRules(rules: FaultRule[]): void;
  addRule(rule: FaultRule): void;
  /** drop the rules and the log */
  clear(): void;
  requests(method?: string, path?: RegExp | string): ProxyRecord[];
  close(): Promise<void>;
}
/** A loopback HTTP/1.1 proxy on node:net (one exchange per connection) that injects faults per request. */
export function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy>;

// ---------- credential-stores.mjs ----------
export function startPassStore(dir: string): Promise<{ env: Record<string, string>; home: string; stop(): void }>;
export function startKeyringSession(
  dir: string,
): Promise<{ env: Record<string, string>; home: string; address: string; stop(): Promise<void> }>;

// ---------- git.mjs ----------
export function gitTestEnv(home: string): NodeJS.ProcessEnv;
/** `git init -b main`, the files written and committed; `git` runs more commands in the repository. */
export function makeGitRepo(
  dir: string,
  files: Record<string, string>,
  opts: { home: string },
): Promise<{ git: (args: string[]) => Promise<string>; commit: string; env: NodeJS.ProcessEnv }>;
// ---------- hub-emulator.mjs / hub-spec.mjs ----------
/** A parsed JSON/YAML document (the spec, a schema): narrow before use. */
export type HubJson = { [key: string]: unknown };
export const VIOLATION_STATUS: 599;
export type HubCaller = { sub: string; kind: 'password' | 'pat' | 'oat'; scopes: string[] | null };
export interface HubEmuUser {
  username: string;
  password: string;
  twoFactorCode?: string;
  email: string;
  fullName: string;
  id: string;
  joined: string;
}
export interface HubEmuPat {
  uuid: string;
  owner: string;
  token: string;
  label: string;
  scopes: string[];
  active: boolean;
  expiresAt?: string;
  createdAt: string;
  lastUsed: string | null;
}
export interface HubEmuTeam {
  id: number;
  uuid: string;
  name: string;
  description: string;
  members: Set<string>;
}
export interface HubEmuInvite {
  id: string;
  inviter: string;
  invitee: string;
  org: string;
  team: string;
  role: string;
  createdAt: string;
}
export interface HubEmuOrg {
  name: string;
  fullName: string;
  id: string;
  joined: string;
  members: Map<string, 'owner' | 'editor' | 'member'>;
  teams: Map<string, HubEmuTeam>;
  invites: HubEmuInvite[];
  tokens: Map<string, { label: string; active: boolean }>;
}
export interface HubEmuTag {
  name: string;
  digest: string;
  size: number;
  lastUpdated: string;
  updater: string;
  images: { architecture: string; os: string; variant?: string; digest: string; size: number }[];
}
export interface HubEmuWebhook {
  name: string;
  slug: string;
  hooks: { name: string; hook_url: string; created: string; last_updated: string }[];
  created: string;
  last_updated: string;
}
export interface HubEmuRepo {
  id: number;
  namespace: string;
  name: string;
  description: string;
  fullDescription: string;
  isPrivate: boolean;
  registered: string;
  lastUpdated: string;
  pullCount: number;
  starCount: number;
  tags: Map<string, HubEmuTag>;
  webhooks: Map<string, HubEmuWebhook>;
  teamPermissions: Map<number, 'read' | 'write' | 'admin'>;
}
export interface HubEmuAuditEvent {
  account: string;
  action: string;
  name: string;
  actor: string;
  data: Record<string, string>;
  timestamp: string;
  action_description: string;
}
/** The emulator's in-memory Hub; seed it before the client runs, inspect it after. */
export interface HubEmulatorState {
  users: Map<string, HubEmuUser>;
  pats: Map<string, HubEmuPat>;
  orgs: Map<string, HubEmuOrg>;
  repos: Map<string, HubEmuRepo>;
  triggers: Map<string, { repo: string; calls: { body: unknown; at: string }[] }>;
  audit: HubEmuAuditEvent[];
  /** a user; `twoFactorCode` makes it a 2FA account whose code is always this value */
  addUser(username: string, password: string, o?: { twoFactorCode?: string; email?: string; fullName?: string }): HubEmuUser;
  /** a personal access token (default scopes ['repo:admin'], active, no expiry) */
  addAccessToken(owner: string, o?: { label?: string; scopes?: string[]; active?: boolean; expiresAt?: string; token?: string }): HubEmuPat;
  /** an organization with an `owners` team holding `owners` */
  addOrg(name: string, o?: { owners?: string[]; members?: Record<string, 'owner' | 'editor' | 'member'>; fullName?: string }): HubEmuOrg;
  /** an organization access token (identifier = the org name); returns the secret */
  addOrgAccessToken(org: string, o?: { label?: string; token?: string; active?: boolean }): string;
  addTeam(org: string, name: string, o?: { description?: string; members?: string[] }): HubEmuTeam;
  addRepository(full: string, o?: { private?: boolean; description?: string; fullDescription?: string; pullCount?: number }): HubEmuRepo;
  /** `platforms` like 'linux/arm64/v8' (default ['linux/amd64']) */
  addTag(
    full: string,
    tag: string,
    o?: { lastUpdated?: string | Date; size?: number; digest?: string; updater?: string; platforms?: string[] },
  ): HubEmuTag;
  addBuildTrigger(full: string): { source: string; token: string };
  addAuditEvent(e: Partial<HubEmuAuditEvent> & { account: string; action: string }): void;
  iso(ms?: number): string;
}
export interface HubRequestLogEntry {
  seq: number;
  method: string;
  /** path and query as sent */
  path: string;
  /** `METHOD /template` of the matched operation */
  operation?: string;
  documented?: boolean;
  auth: 'bearer' | 'other' | 'none';
  /** the authenticated account */
  caller?: string;
  /** the JSON body with password, secret, code, token fields '<redacted>' */
  body?: unknown;
  status: number;
  violations?: string[];
}
export interface HubViolation {
  seq: number;
  kind: 'request' | 'response';
  method: string;
  path: string;
  messages: string[];
}
export interface HubOperation {
  key: string;
  method: string;
  template: string;
  documented: boolean;
  /** where an undocumented operation was read from */
  source?: string;
  op: Record<string, unknown>;
}
export interface HubSpec {
  file: string;
  /** the spec as published */
  raw: HubJson;
  /** overlaid, with the undocumented paths */
  doc: HubJson;
  /** the same, dereferenced */
  api: HubJson;
  fixes: { id: string; where: string; evidence: string }[];
  operations: HubOperation[];
  match(method: string, pathname: string): { operation: HubOperation; pathParams: Record<string, string> } | { error: string };
  checkRequest(
    o: HubOperation,
    req: { query: URLSearchParams; contentType: string | undefined; body: string },
  ): { violations: string[]; query: Record<string, unknown>; body: unknown };
  checkResponse(o: HubOperation, status: number, body: unknown): string[];
}
export interface HubEmulatorMatch {
  method?: string;
  path?: RegExp | string;
  /** from the nth matching request on (default 1) */
  nth?: number;
  /** how many matching requests (default 1) */
  times?: number;
}
export interface HubEmulator {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  spec: HubSpec;
  state: HubEmulatorState;
  log: HubRequestLogEntry[];
  /** requests and answers that did not match Docker's description (answered 599); tests expect none */
  violations: HubViolation[];
  rateLimit(m: HubEmulatorMatch & { retryAfter?: string | number }): void;
  fail(m: HubEmulatorMatch & { status: number; body?: unknown }): void;
  /** jwtMaxUses: a JWT is refused (401 "Token is expired") after this many authenticated requests */
  set(k: { jwtLifetimeSeconds?: number; jwtMaxUses?: number | undefined; maxPageSize?: number }): void;
  clear(): void;
  requests(method?: string, path?: RegExp | string): HubRequestLogEntry[];
  triggerUrl(t: { source: string; token: string }): string;
  stop(): Promise<void>;
}
export function startHubEmulator(options?: {
  now?: () => number;
  jwtLifetimeSeconds?: number;
  /** caps page_size, to force multi-page lists */
  maxPageSize?: number;
  rateLimitPerMinute?: number;
}): Promise<HubEmulator>;
export function loadHubSpec(opts?: { file?: string }): Promise<HubSpec>;
export function buildHubSpec(file: string): Promise<HubSpec>;
/** $HUBCTL_HUB_OPENAPI, else shared/hub-api/hub-openapi.yaml above the repository; throws when missing */
export function findHubOpenApi(opts?: { env?: Record<string, string | undefined>; from?: string }): string;
export function closeSchema<T>(schema: T, branch?: boolean): T;
export function undefinedSecuritySchemes(doc: HubJson): string[];
export const HUB_SPEC_FIXES: { id: string; where: string; evidence: string; apply(doc: HubJson): void }[];
export function applyHubOverlay(
  doc: HubJson,
  undocumented: { paths: HubJson; schemas: HubJson },
): { id: string; where: string; evidence: string }[];
export const UNDOCUMENTED_PATHS: Record<string, HubJson>;
export const UNDOCUMENTED_SCHEMAS: Record<string, HubJson>;
