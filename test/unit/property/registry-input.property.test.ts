// Bad input from a registry never ends in a stack trace: manifests, indexes, image configs, error
// envelopes, challenges, realms, Retry-After and references, each driven by thousands of generated
// inputs; only HubctlError may come out. (Plain random-input tests for references, manifests and
// challenges also live next to their unit tests; these add structured, near-valid generators.)
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HubctlError } from '../../../src/errors.js';
import { parseManifest, parseImageConfig } from '../../../src/oci/manifest.js';
import { MediaType } from '../../../src/oci/media-types.js';
import { parseErrorEnvelope, statusError } from '../../../src/http/errors.js';
import { parseRetryAfter } from '../../../src/http/retry.js';
import { parseWwwAuthenticate, pickChallenge, challengeScopes } from '../../../src/auth/challenge.js';
import { validateRealm } from '../../../src/auth/realm.js';
import { parseReference, formatReference } from '../../../src/ref/reference.js';
import { parsePlatform } from '../../../src/oci/platform.js';
import { redactSecrets } from '../../../src/errors.js';
import { onlyHubctl } from './only-typed-errors.js';

const RUNS = 2000;
const digest = fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `sha256:${h}`);
const junk = fc.oneof(fc.jsonValue(), fc.string(), fc.constant(undefined), fc.integer({ min: -5, max: 5 }), fc.double());

const descriptor = fc.record(
  {
    mediaType: fc.oneof(fc.constantFrom(...Object.values(MediaType)), fc.string()),
    digest: fc.oneof(digest, fc.string()),
    size: fc.oneof(fc.nat(), fc.integer({ min: -10, max: -1 }), fc.double(), fc.string()),
    platform: fc.oneof(fc.record({ os: fc.string(), architecture: fc.string() }), junk),
    annotations: fc.oneof(fc.dictionary(fc.string(), fc.string()), junk),
  },
  { requiredKeys: [] },
);

/** A valid-looking manifest or index with some fields replaced by junk. */
const nearManifest = fc.oneof(
  fc.record(
    {
      schemaVersion: fc.oneof(fc.constant(2), junk),
      mediaType: fc.oneof(fc.constantFrom(...Object.values(MediaType)), junk),
      config: fc.oneof(descriptor, junk),
      layers: fc.oneof(fc.array(descriptor, { maxLength: 4 }), junk),
      subject: fc.oneof(descriptor, junk),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      schemaVersion: fc.oneof(fc.constant(2), junk),
      mediaType: fc.oneof(fc.constantFrom(MediaType.OciIndex, MediaType.DockerManifestList), junk),
      manifests: fc.oneof(fc.array(descriptor, { maxLength: 4 }), junk),
    },
    { requiredKeys: [] },
  ),
);

describe('manifests, indexes and image configs', () => {
  it('near-valid manifests and indexes: a parsed manifest or an integrity/usage HubctlError', () => {
    fc.assert(
      fc.property(
        nearManifest,
        fc.option(fc.constantFrom(...Object.values(MediaType), 'application/json', 'text/plain; charset=utf-8')),
        (m, ct) => {
          onlyHubctl(() => parseManifest(JSON.stringify(m), ct ?? undefined));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('random bytes as a manifest body', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => void onlyHubctl(() => parseManifest(b))),
      { numRuns: RUNS },
    );
  });

  it('image configs: a parsed config or a HubctlError', () => {
    const config = fc.record(
      {
        os: junk,
        architecture: junk,
        variant: junk,
        rootfs: fc.oneof(
          fc.record({ type: junk, diff_ids: fc.oneof(fc.array(fc.oneof(digest, fc.string())), junk) }, { requiredKeys: [] }),
          junk,
        ),
        config: fc.oneof(fc.record({ Env: fc.oneof(fc.array(fc.string()), junk), Cmd: junk, Labels: junk }, { requiredKeys: [] }), junk),
        history: junk,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          config.map((c) => JSON.stringify(c)),
          fc.string(),
          fc.json(),
        ),
        (text) => void onlyHubctl(() => parseImageConfig(text)),
      ),
      { numRuns: RUNS },
    );
  });
});

describe('registry error envelopes', () => {
  const entry = fc.record({ code: junk, message: junk, detail: junk }, { requiredKeys: [] });
  const body = fc.oneof(
    fc
      .record({ errors: fc.oneof(fc.array(fc.oneof(entry, junk), { maxLength: 4 }), junk) }, { requiredKeys: [] })
      .map((o) => JSON.stringify(o)),
    fc.record({ error: junk, details: junk, message: junk }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
    fc.string(),
    fc.uint8Array({ maxLength: 200 }),
    fc.constant(undefined),
  );
  const headers = fc.dictionary(
    fc.constantFrom('retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'www-authenticate', 'content-type'),
    fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 })),
  );

  it('parseErrorEnvelope never throws and always returns entries with a string code', () => {
    fc.assert(
      fc.property(body, (b) => {
        for (const e of parseErrorEnvelope(b)) expect(typeof e.code).toBe('string');
      }),
      { numRuns: RUNS },
    );
  });

  it('statusError always builds a HubctlError with a kind, code and message (never throws)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), body, headers, fc.oneof(fc.webUrl(), fc.string()), (status, b, h, url) => {
        const err = statusError(status, b, { method: 'GET', url, registry: 'r.example', headers: h });
        expect(err).toBeInstanceOf(HubctlError);
        expect(err.code.length).toBeGreaterThan(0);
        expect(err.message.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('WWW-Authenticate and realms', () => {
  const tokenish = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,8}$/);
  const quoted = fc.string({ maxLength: 20 }).map((s) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`);
  const param = fc.tuple(tokenish, fc.oneof(tokenish, quoted, fc.string({ maxLength: 10 }))).map(([k, v]) => `${k}=${v}`);
  const challenge = fc
    .tuple(fc.constantFrom('Bearer', 'Basic', 'bearer', 'BASIC', 'Negotiate', ''), fc.array(param, { maxLength: 5 }))
    .map(([s, ps]) => `${s} ${ps.join(fc.sample(fc.constantFrom(',', ', ', ' ,', ',,'), 1)[0] ?? ',')}`);

  it('structured and random challenge headers: parsed challenges or an auth error (INVALID_CHALLENGE)', () => {
    fc.assert(
      fc.property(
        fc.oneof(challenge, fc.string(), fc.array(fc.oneof(challenge, fc.string()), { maxLength: 3 }), fc.constant(undefined)),
        (h) => {
          onlyHubctl(() => {
            const picked = pickChallenge(parseWwwAuthenticate(h));
            for (const s of challengeScopes(picked)) expect(typeof s).toBe('string');
          }, ['auth']);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('validateRealm gives a URL or an auth error, and never a link-local/metadata URL on another host', () => {
    const host = fc.constantFrom(
      '169.254.169.254',
      '[fe80::1]',
      '[::ffff:169.254.169.254]',
      '[::ffff:a9fe:a9fe]',
      'metadata.google.internal',
      'auth.example.com',
      '127.0.0.1',
      '[::1]',
      'localhost',
    );
    const realm = fc.oneof(
      fc
        .tuple(
          fc.constantFrom('http', 'https', 'ftp', 'file', 'javascript'),
          host,
          fc.option(fc.integer({ min: 1, max: 65535 })),
          fc.string({ maxLength: 10 }),
        )
        .map(([s, h, p, path]) => `${s}://${h}${p === null ? '' : `:${p}`}/${encodeURIComponent(path)}`),
      fc.string(),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(realm, fc.constantFrom('https://registry.example.com', 'http://127.0.0.1:5000'), fc.boolean(), (r, base, insecure) => {
        let url: URL | undefined;
        const err = onlyHubctl(() => {
          url = validateRealm(r, new URL(base), insecure);
        }, ['auth']);
        if (err === undefined && url !== undefined) {
          expect(['http:', 'https:']).toContain(url.protocol);
          const h = url.hostname.replace(/^\[|\]$/g, '');
          if (url.hostname !== new URL(base).hostname) {
            expect(h).not.toMatch(/^(169\.254\.|fe80:|::ffff:a9fe:|::ffff:169\.254\.)|^metadata\.google\.internal$/);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('references, platforms, Retry-After, redaction', () => {
  const component = fc.stringMatching(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/);
  const domain = fc.oneof(
    fc.constant(''),
    fc.constantFrom(
      'docker.io/',
      'localhost:5000/',
      '127.0.0.1:5000/',
      'ghcr.io/',
      '[::1]:5000/',
      'Registry.Example.com/',
      'index.docker.io/',
    ),
  );
  const ref = fc
    .tuple(
      domain,
      fc.array(fc.oneof(component, fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 3 }),
      fc.option(fc.oneof(fc.stringMatching(/^[\w][\w.-]{0,20}$/), fc.string({ maxLength: 5 }))),
      fc.option(fc.oneof(digest, fc.string({ maxLength: 8 }))),
    )
    .map(([d, path, tag, dg]) => `${d}${path.join('/')}${tag === null ? '' : `:${tag}`}${dg === null ? '' : `@${dg}`}`);

  it('structured references: a reference that formats and re-parses to itself, or a usage error', () => {
    fc.assert(
      fc.property(ref, (text) => {
        const err = onlyHubctl(() => {
          const r = parseReference(text);
          const f = formatReference(r);
          expect(formatReference(parseReference(f))).toBe(f);
        }, ['usage']);
        return err === undefined || err.kind === 'usage';
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('platforms: parsed or a usage error', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(fc.stringMatching(/^[a-z0-9]{0,6}$/), { maxLength: 4 }).map((a) => a.join('/')),
        ),
        (t) => void onlyHubctl(() => parsePlatform(t), ['usage']),
      ),
      { numRuns: RUNS },
    );
  });

  it('Retry-After: undefined or a finite, non-negative number of ms', () => {
    const value = fc.oneof(
      fc.string(),
      fc.nat().map(String),
      fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 4_000_000_000_000 }), (v, now) => {
        const ms = parseRetryAfter(v, now);
        if (ms !== undefined) {
          expect(Number.isFinite(ms)).toBe(true);
          expect(ms).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('redactSecrets removes bearer/basic values, URL passwords and token query values wherever they sit', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{12,40}$/);
    // surrounding text of non-word characters (the patterns anchor on word boundaries)
    const noise = fc.string({ maxLength: 20 }).map((s) => s.replace(/\w/g, ' '));
    fc.assert(
      fc.property(secret, noise, noise, fc.constantFrom('bearer', 'basic', 'url', 'query', 'json'), (s, a, b, where) => {
        const text = {
          bearer: `${a}authorization: Bearer ${s}${b}`,
          basic: `${a}Basic ${s}${b}`,
          url: `${a}https://alice:${s}@registry.example.com/v2/${b}`,
          query: `${a}https://auth.example.com/token?service=x&access_token=${s}&x=1${b}`,
          json: `${a}{"identitytoken":"${s}"}${b}`,
        }[where];
        expect(redactSecrets(text)).not.toContain(s);
      }),
      { numRuns: RUNS },
    );
  });
});
