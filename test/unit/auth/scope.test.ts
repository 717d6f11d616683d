import { describe, expect, it } from 'vitest';
import { mergeScopes, parseScope, scopeKey, scopesCover } from '../../../src/auth/scope.js';
import { validateRealm } from '../../../src/auth/realm.js';
import { HubctlError } from '../../../src/errors.js';

describe('scopes', () => {
  it('splits type at the first colon and actions at the last', () => {
    expect(parseScope('repository:localhost:5000/x:pull,push')).toEqual({
      type: 'repository',
      name: 'localhost:5000/x',
      actions: ['pull', 'push'],
    });
    expect(parseScope('registry:catalog:*')).toEqual({ type: 'registry', name: 'catalog', actions: ['*'] });
    expect(parseScope('*')).toBeUndefined();
  });

  it('merges actions of one resource and puts push scopes first', () => {
    expect(mergeScopes(['repository:a/b:pull'], ['repository:c/d:pull', 'repository:a/b:push'])).toEqual([
      'repository:a/b:pull,push',
      'repository:c/d:pull',
    ]);
    expect(mergeScopes(['repository:src:pull', 'repository:dst:pull,push'])).toEqual(['repository:dst:pull,push', 'repository:src:pull']);
    expect(mergeScopes(['*', '*', 'repository:h:5000/x:pull'])).toEqual(['*', 'repository:h:5000/x:pull']);
  });

  it('keys scope sets canonically', () => {
    expect(scopeKey(['repository:b:push,pull', 'repository:a:pull'])).toBe(
      scopeKey(['repository:a:pull', 'repository:b:pull', 'repository:b:push']),
    );
  });

  it('lets a superset cover a subset', () => {
    expect(scopesCover(['repository:a:pull,push', 'repository:b:pull'], ['repository:a:pull'])).toBe(true);
    expect(scopesCover(['repository:a:pull'], ['repository:a:pull,push'])).toBe(false);
    expect(scopesCover(['repository:a:*'], ['repository:a:delete'])).toBe(true);
    expect(scopesCover(['repository:a:pull'], [])).toBe(true);
    expect(scopesCover([], ['repository:a:pull'])).toBe(false);
  });
});

describe('validateRealm', () => {
  const reg = new URL('https://registry.example.com');
  const refused = (realm: string, base = reg, insecure = false) => {
    try {
      validateRealm(realm, base, insecure);
    } catch (e) {
      expect(e).toBeInstanceOf(HubctlError);
      expect((e as HubctlError).code).toBe('INVALID_REALM');
      return true;
    }
    return false;
  };

  it('accepts https realms and resolves relative ones', () => {
    expect(validateRealm('https://auth.docker.io/token', reg, false).href).toBe('https://auth.docker.io/token');
    expect(validateRealm('/token', reg, false).href).toBe('https://registry.example.com/token');
  });

  it('refuses non-http schemes, plain http to remote hosts, link-local and metadata hosts', () => {
    expect(refused('file:///etc/passwd')).toBe(true);
    expect(refused('ftp://x/token')).toBe(true);
    expect(refused('http://auth.example.com/token')).toBe(true);
    expect(refused('https://169.254.169.254/latest/meta-data')).toBe(true);
    expect(refused('https://[fe80::1]/token')).toBe(true);
    expect(refused('https://metadata.google.internal/token')).toBe(true);
    expect(refused('')).toBe(true);
    expect(refused('https://user:pw@auth.example.com/token')).toBe(true);
  });

  it('allows http realms on loopback or insecure registries, and link-local when it is the registry itself', () => {
    expect(refused('http://127.0.0.1:5001/auth', new URL('http://127.0.0.1:5000'))).toBe(false);
    expect(refused('http://localhost:5001/auth')).toBe(false);
    expect(refused('http://auth.example.com/token', reg, true)).toBe(false);
    expect(refused('https://169.254.10.10:8443/token', new URL('https://169.254.10.10:5000'))).toBe(false);
  });
});
