import { createHash } from 'node:crypto';
import { request } from 'undici';
import type { Registry } from '../../harness/index.mjs';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/**
 * Pushes one tiny image to `repos` by plain HTTP: the config and layer blobs are uploaded once and
 * cross-repo mounted into every other repository, then the manifest is PUT (much faster than skopeo x N).
 * In token mode each request carries a token issued by the test token server for that repository.
 */
export async function seedRepos(reg: Registry, repos: readonly string[], concurrency = 16): Promise<void> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const layer = Buffer.from('hubctl search seed layer');
  const blobs = [
    { data: config, digest: sha(config), mediaType: 'application/vnd.oci.image.config.v1+json' },
    { data: layer, digest: sha(layer), mediaType: 'application/vnd.oci.image.layer.v1.tar' },
  ];
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: blobs[0]!.mediaType, digest: blobs[0]!.digest, size: config.length },
      layers: [{ mediaType: blobs[1]!.mediaType, digest: blobs[1]!.digest, size: layer.length }],
    }),
  );
  const source = repos[0]!;
  const auth = (repo: string): Record<string, string> => {
    if (reg.mode === 'open') return {};
    if (reg.mode !== 'token' || reg.tokenServer === undefined) throw new Error('seedRepos supports open and token registries');
    const access = [{ type: 'repository', name: repo, actions: ['pull', 'push'] }];
    if (repo !== source) access.push({ type: 'repository', name: source, actions: ['pull'] });
    return { authorization: `Bearer ${reg.tokenServer.issueToken('admin', access).token}` };
  };
  const ok = async (p: ReturnType<typeof request>, want: number[], what: string) => {
    const res = await p;
    const text = await res.body.text();
    if (!want.includes(res.statusCode)) throw new Error(`${what}: ${res.statusCode} ${text.slice(0, 300)}`);
    return res;
  };

  const pushManifest = (repo: string, headers: Record<string, string>) =>
    ok(
      request(`${reg.url}/v2/${repo}/manifests/latest`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
        body: manifest,
      }),
      [201],
      `PUT manifest ${repo}`,
    );

  // the first repository gets real uploads
  const h0 = auth(source);
  for (const b of blobs) {
    const start = await ok(request(`${reg.url}/v2/${source}/blobs/uploads/`, { method: 'POST', headers: h0 }), [202], 'POST upload');
    const loc = new URL(String(start.headers.location), reg.url);
    loc.searchParams.set('digest', b.digest);
    await ok(
      request(loc, { method: 'PUT', headers: { ...h0, 'content-type': 'application/octet-stream' }, body: b.data }),
      [201],
      'PUT blob',
    );
  }
  await pushManifest(source, h0);

  let next = 1;
  const worker = async () => {
    while (next < repos.length) {
      const repo = repos[next++]!;
      const h = auth(repo);
      for (const b of blobs) {
        const q = new URLSearchParams({ mount: b.digest, from: source });
        await ok(request(`${reg.url}/v2/${repo}/blobs/uploads/?${q}`, { method: 'POST', headers: h }), [201], `mount into ${repo}`);
      }
      await pushManifest(repo, h);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
