import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MediaType, parseImageConfig, parseManifest } from '../../../src/oci/index.js';
import { HubctlError } from '../../../src/errors.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const image = {
  schemaVersion: 2,
  mediaType: MediaType.DockerManifest,
  config: { mediaType: MediaType.DockerConfig, digest: d('c'), size: 10 },
  layers: [{ mediaType: MediaType.DockerLayerGzip, digest: d('1'), size: 5 }],
};

describe('parseManifest', () => {
  it('reads a docker schema2 manifest', () => {
    const p = parseManifest(JSON.stringify(image), `${MediaType.DockerManifest}; charset=utf-8`);
    expect(p.kind).toBe('image');
    expect(p.mediaType).toBe(MediaType.DockerManifest);
  });

  it('reads an OCI manifest without mediaType from the Content-Type', () => {
    const { mediaType: _m, ...rest } = image;
    const p = parseManifest(JSON.stringify(rest), MediaType.OciManifest);
    expect(p.mediaType).toBe(MediaType.OciManifest);
  });

  it('reads indexes and manifest lists', () => {
    const idx = {
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      manifests: [{ mediaType: MediaType.OciManifest, digest: d('2'), size: 3, platform: { os: 'linux', architecture: 'amd64' } }],
    };
    expect(parseManifest(JSON.stringify(idx)).kind).toBe('index');
    const list = { ...idx, mediaType: MediaType.DockerManifestList };
    expect(parseManifest(JSON.stringify(list), MediaType.DockerManifestList).mediaType).toBe(MediaType.DockerManifestList);
  });

  it('refuses a body whose mediaType disagrees with Content-Type', () => {
    expect(() => parseManifest(JSON.stringify(image), MediaType.OciManifest)).toThrow(/Content-Type/);
  });

  it('refuses schema 1', () => {
    expect(() => parseManifest(JSON.stringify({ schemaVersion: 1, name: 'x' }))).toThrow(/schema 1/);
  });

  it.each([
    ['not json', /not valid JSON/],
    ['[]', /not a JSON object/],
    ['{"schemaVersion":3}', /schemaVersion/],
    [JSON.stringify({ ...image, layers: 'x' }), /layers/],
    [JSON.stringify({ ...image, config: { ...image.config, digest: 'sha256:zz' } }), /invalid digest/],
    [JSON.stringify({ ...image, config: { ...image.config, size: -1 } }), /invalid size/],
    [JSON.stringify({ ...image, mediaType: 'text/plain' }), /unsupported manifest media type/],
  ])('refuses %s', (body, why) => {
    expect(() => parseManifest(body)).toThrow(why);
  });

  it('gives only typed errors on random JSON-ish input', () => {
    const arb = fc.oneof(
      fc.string(),
      fc.json(),
      fc.jsonValue().map((v) => JSON.stringify({ schemaVersion: 2, layers: v, config: v, manifests: v })),
    );
    fc.assert(
      fc.property(arb, fc.option(fc.constantFrom(...Object.values(MediaType))), (body, ct) => {
        try {
          parseManifest(body, ct ?? undefined);
        } catch (e) {
          expect(e).toBeInstanceOf(HubctlError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseImageConfig', () => {
  it('needs rootfs.diff_ids, os and architecture', () => {
    expect(parseImageConfig('{"os":"linux","architecture":"amd64","rootfs":{"type":"layers","diff_ids":[]}}').os).toBe('linux');
    expect(() => parseImageConfig('{"os":"linux","architecture":"amd64"}')).toThrow(/diff_ids/);
    expect(() => parseImageConfig('{"rootfs":{"diff_ids":[]}}')).toThrow(/architecture/);
    expect(() => parseImageConfig('nope')).toThrow(HubctlError);
  });
});
