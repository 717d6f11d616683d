/** Request shapes of tag lists, the catalog and manifest deletes, through the real transport on an undici MockAgent. */
import { afterEach, describe, expect, it } from 'vitest';
import { createTransport } from '../../../src/auth/session.js';
import { listCatalog, listTags } from '../../../src/registry/listing.js';
import { deleteManifest } from '../../../src/registry/manifests.js';
import { mockRegistry, type Reply, type SeenRequest } from '../auth/mock-registry.js';

const REG = 'https://registry.example.com';
const agents: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

function setup(handler: (r: SeenRequest) => Reply) {
  const m = mockRegistry([REG, 'https://elsewhere.example.net'], (r) => (r.path === '/v2/' ? { status: 200 } : handler(r)));
  agents.push(m.agent);
  const transport = createTransport({ registry: 'registry.example.com', dispatcher: m.agent, sleep: async () => undefined });
  return { transport, seen: m.seen };
}

const D = `sha256:${'a'.repeat(64)}`;
const paths = (seen: SeenRequest[]) => seen.filter((r) => r.path !== '/v2/').map((r) => `${r.method} ${r.path}`);

describe('listTags', () => {
  it('follows relative and absolute Link pages, sends no n unless asked, asks for JSON', async () => {
    const { transport, seen } = setup((r) => {
      if (r.path === '/v2/ns/app/tags/list')
        return {
          status: 200,
          body: { name: 'ns/app', tags: ['a', 'b'] },
          headers: { link: '</v2/ns/app/tags/list?last=b&n=2>; rel="next"' },
        };
      if (r.path === '/v2/ns/app/tags/list?last=b&n=2')
        return { status: 200, body: { tags: ['c'] }, headers: { link: `<${REG}/v2/ns/app/tags/list?last=c&n=2>; rel=next` } };
      if (r.path === '/v2/ns/app/tags/list?last=c&n=2') return { status: 200, body: { name: 'ns/app', tags: null } };
      return { status: 500 };
    });
    expect(await listTags(transport, 'ns/app')).toEqual(['a', 'b', 'c']);
    expect(paths(seen)).toEqual(['GET /v2/ns/app/tags/list', 'GET /v2/ns/app/tags/list?last=b&n=2', 'GET /v2/ns/app/tags/list?last=c&n=2']);
    expect(seen[1]!.headers.accept).toBe('application/json');
  });

  it('sends n= when a page size is given, and stops at the limit', async () => {
    const { transport, seen } = setup((r) =>
      r.path.startsWith('/v2/ns/app/tags/list')
        ? { status: 200, body: { tags: ['x', 'y'] }, headers: { link: '</v2/ns/app/tags/list?last=y&n=2>; rel="next"' } }
        : { status: 500 },
    );
    expect(await listTags(transport, 'ns/app', { pageSize: 2, limit: 3 })).toEqual(['x', 'y', 'x']);
    expect(paths(seen)).toEqual(['GET /v2/ns/app/tags/list?n=2', 'GET /v2/ns/app/tags/list?last=y&n=2']);
  });

  it('a next link to another origin or back to a read page ends the listing with a warning', async () => {
    const warnings: string[] = [];
    const other = setup(() => ({
      status: 200,
      body: { tags: ['a'] },
      headers: { link: '<https://elsewhere.example.net/v2/x>; rel="next"' },
    }));
    expect(await listTags(other.transport, 'ns/app', { onWarning: (w) => warnings.push(w) })).toEqual(['a']);
    expect(paths(other.seen)).toHaveLength(1);
    const loop = setup(() => ({ status: 200, body: { tags: ['a'] }, headers: { link: '</v2/ns/app/tags/list>; rel="next"' } }));
    expect(await listTags(loop.transport, 'ns/app', { onWarning: (w) => warnings.push(w) })).toEqual(['a']);
    expect(warnings).toEqual([
      expect.stringContaining('"next" link to another origin'),
      expect.stringContaining('"next" link that repeats an earlier page'),
    ]);
  });

  it('a body that is not a tag list is an error that says so', async () => {
    const { transport } = setup(() => ({ status: 200, body: { tags: 'nope' } }));
    await expect(listTags(transport, 'ns/app')).rejects.toMatchObject({ code: 'INVALID_LIST_RESPONSE' });
  });
});

describe('listCatalog', () => {
  it('asks n=min(limit,100) and follows the pages', async () => {
    const { transport, seen } = setup((r) =>
      r.path === '/v2/_catalog?n=2'
        ? { status: 200, body: { repositories: ['a', 'b'] }, headers: { link: '</v2/_catalog?last=b&n=2>; rel="next"' } }
        : { status: 200, body: { repositories: ['c'] } },
    );
    expect(await listCatalog(transport, { limit: 2 })).toEqual(['a', 'b']);
    expect(paths(seen)).toEqual(['GET /v2/_catalog?n=2']);
    expect(await listCatalog(transport, { pageSize: 2 })).toEqual(['a', 'b', 'c']);
  });
});

describe('deleteManifest', () => {
  it('DELETEs /v2/NAME/manifests/DIGEST', async () => {
    const { transport, seen } = setup(() => ({ status: 202 }));
    await deleteManifest(transport, 'ns/app', D);
    expect(paths(seen)).toEqual([`DELETE /v2/ns/app/manifests/${D}`]);
  });

  it('405 (deletes turned off) is a usage error naming the registry setting', async () => {
    const { transport } = setup(() => ({
      status: 405,
      body: { errors: [{ code: 'UNSUPPORTED', message: 'The operation is unsupported.' }] },
    }));
    await expect(deleteManifest(transport, 'ns/app', D)).rejects.toMatchObject({
      code: 'DELETE_UNSUPPORTED',
      kind: 'usage',
      hint: expect.stringContaining('storage.delete.enabled'),
    });
  });
});
