import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HubctlError } from '../../../src/errors.js';
import { challengeScopes, parseWwwAuthenticate, pickChallenge } from '../../../src/auth/challenge.js';

describe('parseWwwAuthenticate', () => {
  it('reads Docker Hub', () => {
    const [c] = parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io"');
    expect(c?.scheme).toBe('bearer');
    expect({ ...c?.params }).toEqual({ realm: 'https://auth.docker.io/token', service: 'registry.docker.io' });
    expect(challengeScopes(c)).toEqual([]);
  });

  it('reads GHCR with a scope', () => {
    const cs = parseWwwAuthenticate('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:user/image:pull"');
    expect(cs).toHaveLength(1);
    expect(challengeScopes(cs[0])).toEqual(['repository:user/image:pull']);
  });

  it('reads ECR Basic', () => {
    const cs = parseWwwAuthenticate('Basic realm="https://123.dkr.ecr.eu-west-1.amazonaws.com/",service="ecr.amazonaws.com"');
    expect(cs[0]?.scheme).toBe('basic');
    expect(cs[0]?.params.service).toBe('ecr.amazonaws.com');
  });

  it('reads several challenges in one header (Codeberg) and prefers Bearer', () => {
    const cs = parseWwwAuthenticate(
      'Basic realm="Gitea",Bearer realm="https://codeberg.org/v2/token",service="container_registry",scope="*"',
    );
    expect(cs.map((c) => c.scheme)).toEqual(['basic', 'bearer']);
    expect(cs[1]?.params.realm).toBe('https://codeberg.org/v2/token');
    expect(pickChallenge(cs)?.scheme).toBe('bearer');
    const order2 = parseWwwAuthenticate(
      'Bearer realm="https://codeberg.org/v2/token",service="container_registry",scope="*", Basic realm="Gitea"',
    );
    expect(order2.map((c) => c.scheme)).toEqual(['bearer', 'basic']);
    expect(order2[1]?.params.realm).toBe('Gitea');
  });

  it('reads several header values', () => {
    const cs = parseWwwAuthenticate(['Basic realm="x"', 'Bearer realm="https://a/t"']);
    expect(pickChallenge(cs)?.params.realm).toBe('https://a/t');
  });

  it('is case-insensitive for schemes and parameter names; unquoted tokens; spaces around =', () => {
    const [c] = parseWwwAuthenticate('BEARER Realm = https://a.example/token , Service=reg');
    expect(c?.scheme).toBe('bearer');
    expect(c?.params.realm).toBe('https://a.example/token');
    expect(c?.params.service).toBe('reg');
  });

  it('unescapes quoted strings', () => {
    const [c] = parseWwwAuthenticate('Bearer realm="https://a/t",error="insufficient_scope",scope="a \\"b\\" \\\\c"');
    expect(c?.params.error).toBe('insufficient_scope');
    expect(c?.params.scope).toBe('a "b" \\c');
    expect(parseWwwAuthenticate('Basic realm="a,b=c, Bearer x=y"')[0]?.params.realm).toBe('a,b=c, Bearer x=y');
  });

  it('splits space-joined scopes (distribution mount challenge)', () => {
    const [c] = parseWwwAuthenticate(
      'Bearer realm="http://127.0.0.1:5001/auth",service="registry",scope="repository:bob/x:pull,push repository:alice/small:pull",error="insufficient_scope"',
    );
    expect(challengeScopes(c)).toEqual(['repository:bob/x:pull,push', 'repository:alice/small:pull']);
  });

  it('handles bare schemes and token68', () => {
    expect(parseWwwAuthenticate('Negotiate')).toEqual([{ scheme: 'negotiate', params: {} }]);
    const cs = parseWwwAuthenticate('Negotiate abc/def==, Basic realm="r"');
    expect(cs[0]?.token68).toBe('abc/def==');
    expect(cs[1]?.params.realm).toBe('r');
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
  });

  it('keeps the first of duplicate parameters and ignores __proto__ tricks', () => {
    const [c] = parseWwwAuthenticate('Bearer realm="a",realm="b",__proto__="x"');
    expect(c?.params.realm).toBe('a');
    // biome-ignore lint/suspicious/noProto: the point is that a parameter named __proto__ is an own value, not the prototype
    expect(c?.params.__proto__).toBe('x');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it.each(['Bearer realm="unterminated', 'Bearer realm="x" service="y"', '"quoted"', 'Bearer realm="x\\', '=value', 'Bearer realm=x"y"'])(
    'refuses garbage %j with an auth HubctlError',
    (input) => {
      let err: unknown;
      try {
        parseWwwAuthenticate(input);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(HubctlError);
      expect((err as HubctlError).kind).toBe('auth');
      expect((err as HubctlError).code).toBe('INVALID_CHALLENGE');
    },
  );

  it('pickChallenge returns undefined without Bearer or Basic', () => {
    expect(pickChallenge(parseWwwAuthenticate('Negotiate, Digest realm="x"'))).toBeUndefined();
  });

  it('never throws anything but HubctlError (property)', () => {
    const alphabet = fc.constantFrom(...'Bearer Basic realm=,"\\ \t scope:/=abc'.split(''));
    const arb = fc.oneof(fc.string(), fc.string({ unit: alphabet, maxLength: 60 }), fc.array(fc.string(), { maxLength: 3 }));
    fc.assert(
      fc.property(arb, (input) => {
        try {
          const out = parseWwwAuthenticate(input);
          expect(Array.isArray(out)).toBe(true);
          for (const c of out) expect(c.scheme).toBe(c.scheme.toLowerCase());
        } catch (e) {
          if (!(e instanceof HubctlError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips generated challenges (property)', () => {
    const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,10}$/);
    const value = fc.string({ maxLength: 20 });
    fc.assert(
      fc.property(
        token,
        fc.uniqueArray(fc.tuple(token, value), { selector: (t) => t[0].toLowerCase(), maxLength: 4 }),
        (scheme, params) => {
          const header = `${scheme} ${params.map(([k, v]) => `${k}="${v.replace(/["\\]/g, (m) => `\\${m}`)}"`).join(', ')}`;
          const [c] = parseWwwAuthenticate(header);
          expect(c?.scheme).toBe(scheme.toLowerCase());
          if (params.length > 0) {
            for (const [k, v] of params) expect(c?.params[k.toLowerCase()]).toBe(v);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
