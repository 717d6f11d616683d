import { authError, internalError } from '../errors.js';
import { hubErrorText } from './errors.js';
import type { HubClientOptions, HubCredential } from './options.js';
import type { HubTransport } from './transport.js';

/** A JWT is exchanged again this long before its `exp`, so a request never leaves with a dying token. */
export const JWT_REFRESH_MARGIN_MS = 30_000;

/** Secrets that are Docker access tokens (personal or organization), never passwords: no 2FA login for them. */
export function isAccessTokenSecret(secret: string): boolean {
  return /^dckr_[a-z]{2,5}_/.test(secret);
}

/** The `exp` of a JWT in milliseconds, read without verifying (the Hub verifies; we only plan ahead). */
export function jwtExpiry(jwt: string): number | undefined {
  const payload = jwt.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

interface HeldToken {
  jwt: string;
  expiresAt: number | undefined;
}

/**
 * The Hub credential exchanged for a short-lived JWT, kept in memory only.
 *
 * 1. `POST /v2/auth/token {identifier, secret}` -> `{access_token}` (documented, AuthCreateAccessToken):
 *    works for a password, a personal access token and an organization access token.
 * 2. The spec documents no two-factor signal on that endpoint (only "401 Authentication failed"). The
 *    documented signal is on the deprecated `POST /v2/users/login`: a 401 carrying `login_2fa_token`
 *    (PostUsersLoginErrorResponse; docker/hub-tool pkg/hub/client.go Login also checks `detail` ==
 *    "Require secondary authentication on MFA enabled account"). So when a password (not a `dckr_`
 *    token) is refused in step 1, the login endpoint is asked once to tell a two-factor account from a
 *    wrong password; for two-factor accounts the code from `otp()` goes to `POST /v2/users/2fa-login
 *    {login_2fa_token, code}` -> `{token}`. Without an `otp` provider that is an auth error saying to use a
 *    personal access token.
 */
export class HubAuth {
  private held: HeldToken | undefined;
  private pending: Promise<string | undefined> | undefined;
  private credential: Promise<HubCredential | undefined> | undefined;

  constructor(
    private readonly transport: HubTransport,
    private readonly options: HubClientOptions,
  ) {}

  /** The credential, asked for once. */
  getCredential(): Promise<HubCredential | undefined> {
    this.credential ??= (this.options.credential?.() ?? Promise.resolve(undefined)).then((c) => {
      if (c !== undefined) this.transport.redactor.add(c.secret);
      return c === undefined || c.identifier === '' || c.secret === '' ? undefined : c;
    });
    return this.credential;
  }

  /** A JWT to send (undefined: anonymous). `force` exchanges again even if the held one looks valid. */
  async bearer(force: boolean): Promise<string | undefined> {
    const held = this.held;
    if (!force && held !== undefined && (held.expiresAt === undefined || this.transport.now() < held.expiresAt - JWT_REFRESH_MARGIN_MS)) {
      return held.jwt;
    }
    if (this.pending === undefined) {
      const p = this.exchange().finally(() => {
        if (this.pending === p) this.pending = undefined;
      });
      this.pending = p;
    }
    return this.pending;
  }

  /** Forgets a JWT the Hub refused (a parallel request may already hold a newer one). */
  invalidate(jwt: string): void {
    if (this.held?.jwt === jwt) this.held = undefined;
  }

  private readonly redact = (t: string) => this.transport.redactor.redact(t);

  clear(): void {
    this.held = undefined;
  }

  private keep(jwt: unknown, where: string): string {
    if (typeof jwt !== 'string' || jwt === '') {
      throw internalError('HUB_INVALID_TOKEN_RESPONSE', `Docker Hub's ${where} answered without a token`, {
        hint: 'check the Docker Hub API URL; try again later',
      });
    }
    this.transport.redactor.add(jwt);
    this.held = { jwt, expiresAt: jwtExpiry(jwt) };
    return jwt;
  }

  private async exchange(): Promise<string | undefined> {
    const cred = await this.getCredential();
    if (cred === undefined) return undefined;
    const res = await this.transport.request({
      method: 'POST',
      path: 'v2/auth/token',
      json: { identifier: cred.identifier, secret: cred.secret },
      what: `log in to Docker Hub as ${cred.identifier}`,
      auth: 'none',
      acceptStatus: [401],
    });
    if (res.status === 200) return this.keep((res.body as { access_token?: unknown } | undefined)?.access_token, 'token endpoint');
    if (isAccessTokenSecret(cred.secret)) {
      throw authError('HUB_LOGIN_FAILED', `Docker Hub refused the access token of ${cred.identifier}${said(res.body, this.redact)}`, {
        hint: 'the token may be expired, disabled or deleted, or belong to another account: create a new one and log in again',
      });
    }
    return this.passwordLogin(cred);
  }

  /** The password path: `/v2/users/login`, then `/v2/users/2fa-login` for two-factor accounts. */
  private async passwordLogin(cred: HubCredential): Promise<string> {
    const what = `log in to Docker Hub as ${cred.identifier}`;
    const res = await this.transport.request({
      method: 'POST',
      path: 'v2/users/login',
      json: { username: cred.identifier, password: cred.secret },
      what,
      auth: 'none',
      acceptStatus: [401],
    });
    if (res.status === 200) return this.keep((res.body as { token?: unknown } | undefined)?.token, 'login endpoint');
    const body = (res.body ?? {}) as { login_2fa_token?: unknown };
    const loginToken = typeof body.login_2fa_token === 'string' && body.login_2fa_token !== '' ? body.login_2fa_token : undefined;
    if (loginToken === undefined) {
      throw authError('HUB_LOGIN_FAILED', `Docker Hub refused the credential of ${cred.identifier}${said(res.body, this.redact)}`, {
        hint: 'check the username and password (or personal access token), then log in again with `hubctl login`',
      });
    }
    this.transport.redactor.add(loginToken);
    if (this.options.otp === undefined) {
      throw authError(
        'HUB_2FA_REQUIRED',
        `the Docker Hub account ${cred.identifier} has two-factor authentication and a password was given`,
        {
          hint: 'use a personal access token instead of the password (hubctl login with the token), or give the current code with --otp',
        },
      );
    }
    const code = (await this.options.otp()).trim();
    this.transport.redactor.add(code);
    const second = await this.transport.request({
      method: 'POST',
      path: 'v2/users/2fa-login',
      json: { login_2fa_token: loginToken, code },
      what: `${what} (two-factor code)`,
      auth: 'none',
      acceptStatus: [401],
    });
    if (second.status === 200) return this.keep((second.body as { token?: unknown } | undefined)?.token, 'two-factor login endpoint');
    throw authError('HUB_2FA_FAILED', `Docker Hub refused the two-factor code for ${cred.identifier}${said(second.body, this.redact)}`, {
      hint: 'give the current code from your authenticator app (codes change every 30 seconds), or use a personal access token',
    });
  }
}

function said(body: unknown, redact: (t: string) => string): string {
  const text = body === undefined ? undefined : hubErrorText(JSON.stringify(body));
  return text === undefined ? '' : `: ${redact(text)}`;
}
