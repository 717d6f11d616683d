import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeAuth, encodeAuth } from '../../../src/credentials/index.js';
import { decodeAuthEntry, encodeAuthEntry, stripSecrets } from '../../../src/credentials/auth-entry.js';
import { b64 } from './fixtures.js';

describe('auth entries', () => {
  it('splits base64 user:pass at the first colon (colons in the password survive)', () => {
    expect(decodeAuth(b64('alice:pa:ss:word'))).toEqual({ username: 'alice', password: 'pa:ss:word' });
    expect(decodeAuthEntry({ auth: b64('bob:x:y') }, 'f', 'k')).toEqual({ username: 'bob', password: 'x:y' });
  });

  it('round-trips any user (without a colon) and password', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes(':')),
        fc.string(),
        (u, p) => {
          expect(decodeAuth(encodeAuth(u, p))).toEqual({ username: u, password: p });
        },
      ),
    );
  });

  it('reads identitytoken, registrytoken and plain username/password fields', () => {
    expect(decodeAuthEntry({ auth: b64('u:'), identitytoken: 'rt' }, 'f', 'k')).toEqual({ username: 'u', identityToken: 'rt' });
    expect(decodeAuthEntry({ registrytoken: 'bt' }, 'f', 'k')).toEqual({ registryToken: 'bt' });
    expect(decodeAuthEntry({ username: 'u', password: 'p' }, 'f', 'k')).toEqual({ username: 'u', password: 'p' });
    expect(decodeAuthEntry({}, 'f', 'k')).toBeUndefined();
    expect(decodeAuthEntry(null, 'f', 'k')).toBeUndefined();
    expect(decodeAuthEntry({ email: 'a@b' }, 'f', 'k')).toBeUndefined();
  });

  it('rejects an auth that is not base64 of user:pass, naming file and key', () => {
    expect(() => decodeAuthEntry({ auth: b64('nocolon') }, '/x/config.json', 'ghcr.io')).toThrow(/"ghcr.io" in \/x\/config.json/);
    expect(() => decodeAuthEntry({ auth: '%%%' }, '/x/config.json', 'ghcr.io')).toThrowError(
      expect.objectContaining({ code: 'CONFIG_INVALID', kind: 'store' }),
    );
  });

  it('writes like docker: auth + identitytoken, blanks username/password/serveraddress, keeps unknown keys in place', () => {
    const existing = { email: 'a@b.c', username: 'old', password: 'old', serveraddress: 'x', auth: 'x', custom: { a: 1 } };
    const entry = encodeAuthEntry(existing, { username: 'u', password: 'p' });
    expect(entry).toBe(existing);
    expect(Object.keys(entry)).toEqual(['email', 'auth', 'custom']);
    expect(entry).toEqual({ email: 'a@b.c', auth: b64('u:p'), custom: { a: 1 } });
    expect(encodeAuthEntry({}, { username: 'u', identityToken: 't' })).toEqual({ auth: b64('u:'), identitytoken: 't' });
    expect(stripSecrets({ auth: 'x', identitytoken: 't', email: 'e' })).toEqual({ email: 'e' });
  });
});
