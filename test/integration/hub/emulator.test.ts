import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HUB_SPEC_FIXES,
  UNDOCUMENTED_PATHS,
  UNDOCUMENTED_SCHEMAS,
  VIOLATION_STATUS,
  applyHubOverlay,
  findHubOpenApi,
  startHubEmulator,
  undefinedSecuritySchemes,
  type HubEmulator,
} from '../../harness/index.mjs';

// The emulator itself: Docker's description is found and loaded unmodified, the overlay mends its known
// defects, and requests or answers that do not match it are caught.
let emu: HubEmulator;
let jwt: string;
beforeAll(async () => {
  emu = await startHubEmulator();
  emu.state.addUser('alice', 'alice-password');
  emu.state.addRepository('alice/app');
  const res = await fetch(`${emu.url}/v2/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: 'alice', secret: 'alice-password' }),
  });
  jwt = ((await res.json()) as { access_token: string }).access_token;
});
afterAll(async () => emu.stop());

const call = (method: string, path: string, body?: unknown) =>
  fetch(`${emu.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${jwt}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe("Docker's Hub API description", () => {
  it('is found above the repository and is the published file, unmodified', () => {
    const file = findHubOpenApi();
    expect(file).toMatch(/shared\/hub-api\/hub-openapi\.yaml$/);
    const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
    // shared/hub-api/README.md, Provenance
    expect(sha).toBe('13855546562c7ea757f40409da8ab3f42dcfbff6c70d68a418202df1a7f34e8d');
    expect(emu.spec.file).toBe(file);
  });

  it('can be named by HUBCTL_HUB_OPENAPI, and its absence fails loudly', () => {
    const file = findHubOpenApi();
    expect(findHubOpenApi({ env: { HUBCTL_HUB_OPENAPI: file } })).toBe(file);
    expect(() => findHubOpenApi({ env: { HUBCTL_HUB_OPENAPI: '/nonexistent/hub.yaml' } })).toThrow(/does not exist/);
    expect(() => findHubOpenApi({ env: {}, from: tmpdir() })).toThrow(/was not found.*HUBCTL_HUB_OPENAPI/);
  });

  it('has the defects the overlay mends, and none after it', async () => {
    const raw = emu.spec.raw;
    expect(undefinedSecuritySchemes(raw)).toEqual(['POST /v2/namespaces/{namespace}/repositories: BearerAuth']);
    await expect(SwaggerParser.validate(structuredClone(raw) as never)).rejects.toThrow(/team_repo/);
    expect(undefinedSecuritySchemes(emu.spec.doc)).toEqual([]);
    expect(emu.spec.fixes.map((f) => f.id)).toEqual(HUB_SPEC_FIXES.map((f) => f.id));
    for (const f of emu.spec.fixes) expect(f.evidence.length).toBeGreaterThan(20);
    // a fix whose target changed is noticed rather than applied blindly
    expect(() => applyHubOverlay(structuredClone(emu.spec.doc), { paths: {}, schemas: {} })).toThrow(/no longer matches/);
  });

  it('lists each undocumented operation with the client it was read from', () => {
    const undocumented = emu.spec.operations.filter((o) => !o.documented);
    expect(undocumented.map((o) => o.key).sort()).toEqual(
      Object.entries(UNDOCUMENTED_PATHS)
        .flatMap(([p, item]) =>
          Object.keys(item)
            .filter((k) => k !== 'parameters')
            .map((m) => `${m.toUpperCase()} ${p}`),
        )
        .sort(),
    );
    for (const o of undocumented) expect(o.source, o.key).toMatch(/\w+\/[\w.-]+|PROTOCOL\.md/);
    const schemas = (emu.spec.api.components as { schemas: Record<string, unknown> }).schemas;
    expect(Object.keys(UNDOCUMENTED_SCHEMAS).every((n) => schemas[n] !== undefined)).toBe(true);
  });
});

describe('validation of requests', () => {
  it.each([
    ['PATCH', '/v2/repositories/alice/app', { description: 'x' }, /matches no documented or listed operation/],
    ['PUT', '/v2/namespaces/alice/repositories', { name: 'x' }, /PUT is not an operation/],
    ['GET', '/v2/namespaces/alice/repositories?sort=name', undefined, /query parameter "sort" is not documented/],
    ['GET', '/v2/namespaces/alice/repositories?page_size=500', undefined, /page_size must be <= 100/],
    ['POST', '/v2/namespaces/alice/repositories', { name: 'new', namespace: 'alice', privat: true }, /unevaluated properties \(privat\)/],
    ['POST', '/v2/namespaces/alice/repositories', { name: 'new', namespace: 'alice', is_private: 'yes' }, /is_private must be boolean/],
    ['POST', '/v2/namespaces/alice/repositories', undefined, /needs a JSON body/],
    ['DELETE', '/v2/repositories/alice/app/', { force: true }, /takes no request body/],
  ])('%s %s is refused', async (method, path, body, why) => {
    emu.clear();
    const res = await call(method, path, body);
    expect(res.status).toBe(VIOLATION_STATUS);
    expect(emu.violations.length).toBe(1);
    expect(emu.violations[0]?.kind).toBe('request');
    expect(emu.violations[0]?.messages.join('; ')).toMatch(why);
    expect(emu.state.repos.has('alice/new')).toBe(false);
  });

  it('answers a valid request and logs it without secrets', async () => {
    emu.clear();
    const res = await call('GET', '/v2/namespaces/alice/repositories?page=1&page_size=10&ordering=-name');
    expect(res.status).toBe(200);
    expect(emu.violations).toEqual([]);
    await fetch(`${emu.url}/v2/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: 'alice', secret: 'alice-password' }),
    });
    expect(emu.log.at(-1)?.body).toEqual({ identifier: 'alice', secret: '<redacted>' });
    expect(JSON.stringify(emu.log)).not.toContain('alice-password');
  });
});

describe('validation of answers', () => {
  it('catches an answer that does not match the response schema', async () => {
    emu.clear();
    emu.fail({
      path: '/v2/namespaces/alice/repositories',
      status: 200,
      body: { count: 1, next: null, previous: null, results: [{ name: 3, namespace: 'alice', is_private: false }] },
    });
    const res = await call('GET', '/v2/namespaces/alice/repositories');
    expect(res.status).toBe(VIOLATION_STATUS);
    expect(emu.violations).toMatchObject([{ kind: 'response', messages: ['response/results/0/name must be string'] }]);
  });

  it('catches a field the schema does not have, and a status the operation does not document', async () => {
    emu.clear();
    emu.fail({ path: '/repositories/app/tags/latest', status: 200, body: { name: 'latest', images: [], v2: true, colour: 'blue' } });
    expect((await call('GET', '/v2/namespaces/alice/repositories/app/tags/latest')).status).toBe(VIOLATION_STATUS);
    emu.fail({ path: '/repositories/app/tags/latest', status: 418, body: { detail: 'teapot' } });
    expect((await call('GET', '/v2/namespaces/alice/repositories/app/tags/latest')).status).toBe(VIOLATION_STATUS);
    expect(emu.violations.map((v) => v.messages[0])).toEqual([
      'response must NOT have unevaluated properties (colour)',
      'status 418 is not documented for GET /v2/namespaces/{namespace}/repositories/{repository}/tags/{tag}',
    ]);
  });

  it('accepts the overlay-corrected shapes (images array, v2 boolean, nullable next)', async () => {
    emu.clear();
    emu.state.addTag('alice/app', 'v1', { platforms: ['linux/amd64'] });
    const res = await call('GET', '/v2/namespaces/alice/repositories/app/tags');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { next: unknown; results: { images: unknown[]; v2: unknown }[] };
    expect(body.next).toBeNull();
    expect(Array.isArray(body.results[0]?.images)).toBe(true);
    expect(body.results[0]?.v2).toBe(true);
    expect(emu.violations).toEqual([]);
  });
});
