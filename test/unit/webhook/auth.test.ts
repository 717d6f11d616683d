import { describe, expect, it } from 'vitest';
import { presentedCredentials, secretEquals, signBody, verifyCredentials } from '../../../src/webhook/auth.js';

const SECRET = 's3cret-value';
const body = Buffer.from('{"ref":"refs/heads/main"}');
const q = (s = '') => new URLSearchParams(s);

describe('webhook credentials', () => {
  it('accepts the secret as Bearer, ?token= or a GitHub/Gitea HMAC of the body', () => {
    expect(verifyCredentials(SECRET, presentedCredentials({ authorization: `Bearer ${SECRET}` }, q()), body)).toEqual({
      ok: true,
      method: 'bearer',
    });
    expect(verifyCredentials(SECRET, presentedCredentials({}, q(`token=${SECRET}`)), body)).toEqual({ ok: true, method: 'token' });
    const sig = signBody(SECRET, body);
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyCredentials(SECRET, presentedCredentials({ 'x-hub-signature-256': sig }, q()), body)).toEqual({
      ok: true,
      method: 'hmac',
    });
    expect(verifyCredentials(SECRET, presentedCredentials({ 'x-gitea-signature': sig.slice(7) }, q()), body)).toMatchObject({ ok: true });
    expect(
      verifyCredentials(
        SECRET,
        presentedCredentials({ 'x-hub-signature-256': sig.toUpperCase().replace('SHA256=', 'sha256=') }, q()),
        body,
      ),
    ).toMatchObject({ ok: true });
  });

  it('refuses no credentials, a wrong one, a Basic header, and a bad signature next to a right token', () => {
    expect(verifyCredentials(SECRET, presentedCredentials({}, q()), body)).toEqual({ ok: false, reason: 'no credentials' });
    expect(verifyCredentials(SECRET, presentedCredentials({ authorization: 'Bearer nope' }, q()), body)).toMatchObject({ ok: false });
    expect(verifyCredentials(SECRET, presentedCredentials({ authorization: `Basic ${SECRET}` }, q()), body)).toMatchObject({ ok: false });
    expect(verifyCredentials(SECRET, presentedCredentials({}, q(`token=${SECRET}x`)), body)).toMatchObject({ ok: false });
    const other = signBody(SECRET, Buffer.from('{"ref":"refs/heads/evil"}'));
    expect(verifyCredentials(SECRET, presentedCredentials({ 'x-hub-signature-256': other }, q(`token=${SECRET}`)), body)).toMatchObject({
      ok: false,
      reason: 'bad signature in x-hub-signature-256',
    });
    expect(verifyCredentials(SECRET, presentedCredentials({ 'x-hub-signature-256': signBody('other', body) }, q()), body)).toMatchObject({
      ok: false,
    });
    expect(verifyCredentials(SECRET, presentedCredentials({ 'x-hub-signature-256': 'sha1=abc' }, q()), body)).toMatchObject({ ok: false });
  });

  it('compares strings of any lengths', () => {
    expect(secretEquals('a', 'a')).toBe(true);
    expect(secretEquals('a', 'ab')).toBe(false);
    expect(secretEquals('', '')).toBe(true);
  });
});
