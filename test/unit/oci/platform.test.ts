import { describe, expect, it } from 'vitest';
import { hostPlatform, parsePlatform, selectPlatform, runnableManifests, type Descriptor } from '../../../src/oci/index.js';

const m = (os: string, architecture: string, variant?: string, c = '1'): Descriptor => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${c.repeat(64)}`,
  size: 1,
  platform: variant ? { os, architecture, variant } : { os, architecture },
});

const index = [
  m('linux', 'amd64', undefined, '1'),
  m('linux', 'arm64', 'v8', '2'),
  m('linux', 'arm', 'v7', '3'),
  m('linux', 'arm', 'v6', '4'),
  m('unknown', 'unknown', undefined, '5'),
];

describe('platforms', () => {
  it('parses os/arch[/variant] and normalizes arch aliases', () => {
    expect(parsePlatform('linux/amd64')).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(parsePlatform('linux/aarch64')).toEqual({ os: 'linux', architecture: 'arm64' });
    expect(parsePlatform('Linux/ARM/v7')).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(() => parsePlatform('linux')).toThrow(/invalid platform "linux"/);
    expect(() => parsePlatform('a/b/c/d')).toThrow(/invalid platform/);
  });

  it('maps node platform names', () => {
    expect(hostPlatform('linux', 'x64')).toEqual({ os: 'linux', architecture: 'amd64' });
    expect(hostPlatform('linux', 'arm64')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
  });

  it('selects by os/arch and variant', () => {
    expect(selectPlatform(index, { os: 'linux', architecture: 'amd64' }, 'x').digest).toBe(index[0]!.digest);
    expect(selectPlatform(index, { os: 'linux', architecture: 'arm64' }, 'x').digest).toBe(index[1]!.digest);
    expect(selectPlatform(index, { os: 'linux', architecture: 'arm', variant: 'v6' }, 'x').digest).toBe(index[3]!.digest);
  });

  it('skips unknown/unknown and lists what exists when nothing matches', () => {
    expect(() => selectPlatform(index, { os: 'unknown', architecture: 'unknown' }, 'x')).toThrow(/no image for platform/);
    try {
      selectPlatform(index, { os: 'windows', architecture: 'amd64' }, 'busybox:latest');
    } catch (e) {
      expect((e as { hint: string }).hint).toBe(
        'available platforms: linux/amd64, linux/arm64/v8, linux/arm/v7, linux/arm/v6; choose one with --platform',
      );
      expect((e as { kind: string }).kind).toBe('notfound');
    }
    expect(runnableManifests(index)).toHaveLength(4);
  });
});
