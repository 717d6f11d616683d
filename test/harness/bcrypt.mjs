// Pure-node bcrypt ($2y$) for htpasswd files when apache2-utils is missing. Blowfish's initial state is the
// fractional hex digits of pi, computed here with BigInt (Machin's formula) instead of a 4 KiB constant table.
import { randomBytes } from 'node:crypto';

const WORDS = 18 + 1024;
/** @type {Uint32Array | null} */ let PI_WORDS = null;

/** First `WORDS` 32-bit words of pi's fractional part. */
function piWords() {
  if (PI_WORDS) return PI_WORDS;
  const bits = BigInt(WORDS * 32 + 64);
  const one = 1n << bits;
  /** @param {bigint} x arctan(1/x) scaled by `one` */
  const atanInv = (x) => {
    let sum = 0n;
    let term = one / x;
    const x2 = x * x;
    for (let k = 0n; term !== 0n; k++) {
      sum += (k % 2n === 0n ? 1n : -1n) * (term / (2n * k + 1n));
      term /= x2;
    }
    return sum;
  };
  const pi = 16n * atanInv(5n) - 4n * atanInv(239n);
  let frac = (pi % one) >> 64n; // drop the integer part 3 and the guard bits
  const out = new Uint32Array(WORDS);
  for (let i = WORDS - 1; i >= 0; i--) {
    out[i] = Number(frac & 0xffffffffn);
    frac >>= 32n;
  }
  PI_WORDS = out;
  return out;
}

/** @param {Uint32Array} P @param {Uint32Array} S @param {Uint32Array} lr in/out [L, R] */
function encipher(P, S, lr) {
  let l = /** @type {number} */ (lr[0]);
  let r = /** @type {number} */ (lr[1]);
  const F = (/** @type {number} */ x) =>
    /** @type {number} */ (
      ((S[x >>> 24] + /** @type {number} */ (S[256 + ((x >>> 16) & 255)])) ^ /** @type {number} */ (S[512 + ((x >>> 8) & 255)])) +
        /** @type {number} */ (S[768 + (x & 255)])
    ) >>> 0;
  l ^= /** @type {number} */ (P[0]);
  for (let i = 1; i <= 16; i += 2) {
    r ^= F(l) ^ /** @type {number} */ (P[i]);
    l ^= F(r) ^ /** @type {number} */ (P[i + 1]);
  }
  lr[0] = (r ^ /** @type {number} */ (P[17])) >>> 0;
  lr[1] = l >>> 0;
}

/** Cyclic big-endian 32-bit word reader over bytes. @param {Uint8Array} data */
function streamer(data) {
  let pos = 0;
  return () => {
    let w = 0;
    for (let i = 0; i < 4; i++) {
      w = ((w << 8) | /** @type {number} */ (data[pos])) >>> 0;
      pos = (pos + 1) % data.length;
    }
    return w;
  };
}

/** @param {Uint32Array} P @param {Uint32Array} S @param {Uint8Array} key @param {Uint8Array | null} salt */
function expand(P, S, key, salt) {
  const k = streamer(key);
  for (let i = 0; i < 18; i++) P[i] = /** @type {number} */ (P[i] ^ k()) >>> 0;
  const s = salt ? streamer(salt) : null;
  const lr = new Uint32Array(2);
  for (let i = 0; i < 18 + 1024; i += 2) {
    if (s) {
      lr[0] ^= s();
      lr[1] ^= s();
    }
    encipher(P, S, lr);
    if (i < 18) {
      P[i] = /** @type {number} */ (lr[0]);
      P[i + 1] = /** @type {number} */ (lr[1]);
    } else {
      S[i - 18] = /** @type {number} */ (lr[0]);
      S[i - 17] = /** @type {number} */ (lr[1]);
    }
  }
}

const B64 = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** bcrypt's base64 (no padding) of the first `len` bytes. @param {Uint8Array} d @param {number} len */
function b64(d, len) {
  let out = '';
  for (let i = 0; i < len; ) {
    const c1 = /** @type {number} */ (d[i++]);
    out += B64[c1 >> 2];
    if (i >= len) {
      out += B64[(c1 & 3) << 4];
      break;
    }
    const c2 = /** @type {number} */ (d[i++]);
    out += B64[((c1 & 3) << 4) | (c2 >> 4)];
    if (i >= len) {
      out += B64[(c2 & 15) << 2];
      break;
    }
    const c3 = /** @type {number} */ (d[i++]);
    out += B64[((c2 & 15) << 2) | (c3 >> 6)] + B64[c3 & 63];
  }
  return out;
}

/**
 * bcrypt hash in the `$2y$` form Apache htpasswd writes (distribution accepts $2a$/$2b$/$2y$).
 * @param {string} password at most 72 bytes are used
 * @param {{ cost?: number, salt?: Uint8Array }} [opts] cost 4..31 (default 5, like `htpasswd -B`)
 */
export function bcryptHash(password, opts = {}) {
  const cost = opts.cost ?? 5;
  if (cost < 4 || cost > 31) throw new Error('bcrypt cost must be 4..31');
  const salt = opts.salt ?? randomBytes(16);
  const key = Buffer.concat([Buffer.from(password, 'utf8'), Buffer.from([0])]).subarray(0, 72);
  const init = piWords();
  const P = init.slice(0, 18);
  const S = init.slice(18);
  expand(P, S, key, salt);
  for (let i = 0; i < 2 ** cost; i++) {
    expand(P, S, key, null);
    expand(P, S, salt, null);
  }
  const text = streamer(Buffer.from('OrpheanBeholderScryDoubt'));
  const ctext = new Uint32Array(6).map(() => text());
  const lr = new Uint32Array(2);
  for (let round = 0; round < 64; round++) {
    for (let j = 0; j < 6; j += 2) {
      lr[0] = /** @type {number} */ (ctext[j]);
      lr[1] = /** @type {number} */ (ctext[j + 1]);
      encipher(P, S, lr);
      ctext[j] = /** @type {number} */ (lr[0]);
      ctext[j + 1] = /** @type {number} */ (lr[1]);
    }
  }
  const bytes = new Uint8Array(24);
  ctext.forEach((w, i) => {
    bytes[4 * i] = w >>> 24;
    bytes[4 * i + 1] = (w >>> 16) & 255;
    bytes[4 * i + 2] = (w >>> 8) & 255;
    bytes[4 * i + 3] = w & 255;
  });
  return `$2y$${String(cost).padStart(2, '0')}$${b64(salt, 16)}${b64(bytes, 23)}`;
}
