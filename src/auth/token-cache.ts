import { scopeKey, scopesCover } from './scope.js';
import type { Token } from './token.js';

/** Tokens closer than this to expiry are refreshed before use. */
export const REFRESH_MARGIN_MS = 10_000;

/**
 * Bearer tokens of one registry keyed by scope set. A token for a superset serves a subset; concurrent
 * callers needing the same scopes share one fetch (single-flight).
 */
export class TokenCache {
  private readonly tokens = new Map<string, Token>();
  private readonly inflight = new Map<string, { scopes: readonly string[]; promise: Promise<Token> }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A fresh cached token covering `scopes`, if any. */
  lookup(scopes: readonly string[]): Token | undefined {
    const key = scopeKey(scopes);
    const exact = this.tokens.get(key);
    if (exact !== undefined && this.fresh(exact)) return exact;
    for (const [k, t] of this.tokens) {
      if (!this.fresh(t)) {
        this.tokens.delete(k);
        continue;
      }
      if (scopesCover(t.scopes, scopes)) return t;
    }
    return undefined;
  }

  /**
   * The cached token for `scopes`, or the result of `fetch` (shared with concurrent callers asking for
   * the same or a covered scope set). `force` skips the cache (after a 401) but still joins a fetch in flight.
   */
  async get(scopes: readonly string[], fetch: () => Promise<Token>, force = false): Promise<Token> {
    if (!force) {
      const cached = this.lookup(scopes);
      if (cached !== undefined) return cached;
    }
    const key = scopeKey(scopes);
    const same = this.inflight.get(key);
    if (same !== undefined) return same.promise;
    if (!force) {
      for (const f of this.inflight.values()) if (scopesCover(f.scopes, scopes)) return f.promise;
    }
    const promise = (async () => {
      try {
        const token = await fetch();
        this.tokens.set(key, token);
        return token;
      } finally {
        this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, { scopes: [...scopes], promise });
    return promise;
  }

  /** Forgets a token the registry rejected. */
  invalidate(token: string): void {
    for (const [k, t] of this.tokens) if (t.token === token) this.tokens.delete(k);
  }

  clear(): void {
    this.tokens.clear();
  }

  private fresh(t: Token): boolean {
    return t.expiresAt - this.now() > REFRESH_MARGIN_MS;
  }
}
