// Minimal JWT signing for distribution's token auth: RS256 (RSA key) or ES256 (EC P-256 key), x5c header.
import { createSign, createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';

/** @param {Buffer | string} data */
export function b64url(data) {
  return Buffer.from(data).toString('base64url');
}

/**
 * Base64 (standard, not url) DER of the first certificate in a PEM string, as JWS x5c wants.
 * @param {string} pem
 */
export function pemToX5c(pem) {
  return Buffer.from(new X509Certificate(pem).raw).toString('base64');
}

/**
 * @typedef {{ type: string, name: string, actions: string[] }} AccessEntry
 * @typedef {{ keyPem: string, certPem: string }} Signer
 */

/**
 * Sign a claim set. The algorithm follows the key type (rsa -> RS256, ec -> ES256 with raw r||s).
 * @param {Record<string, unknown>} claims
 * @param {Signer} signer
 * @returns {string}
 */
export function signJwt(claims, signer) {
  const key = createPrivateKey(signer.keyPem);
  const alg = key.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256';
  const header = { typ: 'JWT', alg, x5c: [pemToX5c(signer.certPem)] };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const s = createSign('SHA256');
  s.update(input);
  const sig = alg === 'ES256' ? s.sign({ key, dsaEncoding: 'ieee-p1363' }) : s.sign(key);
  return `${input}.${b64url(sig)}`;
}

/**
 * Decode (without verifying) a JWT's header and claims.
 * @param {string} token
 * @returns {{ header: import('./index.d.mts').JwtHeader, claims: import('./index.d.mts').JwtClaims }}
 */
export function decodeJwt(token) {
  const [h, c] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h ?? '', 'base64url').toString()),
    claims: JSON.parse(Buffer.from(c ?? '', 'base64url').toString()),
  };
}

export function randomId() {
  return randomBytes(16).toString('hex');
}
