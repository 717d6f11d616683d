import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/digest/digest.js';
import { uploadBlob } from '../../../src/registry/upload.js';
import type { FileBody, RegistryRequest } from '../../../src/http/types.js';
import { fakeTransport } from '../search/fake-transport.js';

const bytes = Buffer.from('layer bytes');
const desc = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(bytes), size: bytes.length };

function registry(failPut = false) {
  let n = 0;
  return fakeTransport('r.example', (url, req) => {
    if (req.method === 'POST') return { status: 202, headers: { location: `/v2/x/blobs/uploads/u1?_state=s${n++}` } };
    if (req.method === 'PATCH') return { status: 202, headers: { location: `/v2/x/blobs/uploads/u1?_state=s${n++}` } };
    if (req.method === 'PUT') return failPut ? { status: 500 } : { status: 201 };
    if (req.method === 'DELETE') return { status: 204 };
    throw new Error(`unexpected ${req.method} ${url}`);
  });
}

const summary = (reqs: RegistryRequest[]) => reqs.map((r) => `${r.method} ${new URL(r.url, 'http://r.example').search}`);

describe('uploadBlob', () => {
  it('a body in memory goes up as POST then one PUT ?digest= carrying the bytes (retried like any PUT)', async () => {
    const t = registry();
    expect(await uploadBlob(t, 'x', desc, bytes)).toEqual({ kind: 'uploaded' });
    expect(summary(t.requests)).toEqual(['POST ', `PUT ?_state=s0&digest=${encodeURIComponent(desc.digest)}`]);
    const put = t.requests[1]!;
    expect(put.body).toBe(bytes);
    expect(put.headers).toMatchObject({ 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) });
    expect(put.retry).toBe(true);
  });

  it('a file body is streamed up as POST, PATCH (not retried), PUT on the Location the PATCH answered', async () => {
    const t = registry();
    const file: FileBody = { kind: 'file', path: '/layer.tar.gz', size: bytes.length }; // the fake transport does not read it
    expect(await uploadBlob(t, 'x', desc, file)).toEqual({ kind: 'uploaded' });
    expect(summary(t.requests)).toEqual(['POST ', 'PATCH ?_state=s0', `PUT ?_state=s1&digest=${encodeURIComponent(desc.digest)}`]);
    expect(t.requests[1]!.retry).toBe(false);
    expect(t.requests[2]!.body).toBeUndefined();
  });

  it('a failed PUT cancels the session with DELETE', async () => {
    const t = registry(true);
    await expect(uploadBlob(t, 'x', desc, bytes)).rejects.toMatchObject({ code: 'HTTP_500' });
    expect(t.requests.map((r) => r.method)).toEqual(['POST', 'PUT', 'DELETE']);
  });
});
