import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { familiarString, formatReference, parseReference, registryApiHost } from '../../../src/ref/reference.js';
import { HubctlError } from '../../../src/errors.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseReference: docker normalization', () => {
  const cases: [string, string][] = [
    ['centos', 'docker.io/library/centos:latest'],
    ['centos:7', 'docker.io/library/centos:7'],
    ['user/repo', 'docker.io/user/repo:latest'],
    ['user/repo:1.0', 'docker.io/user/repo:1.0'],
    ['docker.io/centos', 'docker.io/library/centos:latest'],
    ['index.docker.io/centos', 'docker.io/library/centos:latest'],
    ['index.docker.io/user/x:2', 'docker.io/user/x:2'],
    ['docker.io/library/centos:latest', 'docker.io/library/centos:latest'],
    ['localhost/x', 'localhost/x:latest'],
    ['localhost:5000/x', 'localhost:5000/x:latest'],
    ['localhost:5000', 'docker.io/library/localhost:5000'],
    ['host:5000/ns/repo:tag', 'host:5000/ns/repo:tag'],
    ['127.0.0.1:5000/a/b/c:v1', '127.0.0.1:5000/a/b/c:v1'],
    ['[::1]:5000/x:1', '[::1]:5000/x:1'],
    ['ghcr.io/org/img', 'ghcr.io/org/img:latest'],
    ['Registry.Example/ns/x', 'Registry.Example/ns/x:latest'],
    ['MyHost/x', 'MyHost/x:latest'],
    [`centos@${D}`, `docker.io/library/centos@${D}`],
    [`centos:7@${D}`, `docker.io/library/centos@${D}`],
    [`host:5000/x:tag@${D}`, `host:5000/x@${D}`],
    ['a__b/c-d.e_f', 'docker.io/a__b/c-d.e_f:latest'],
    ['a---b/c', 'docker.io/a---b/c:latest'],
    ['x:_tag.0-A', 'docker.io/library/x:_tag.0-A'],
  ];
  it.each(cases)('%s -> %s', (input, expected) => {
    expect(formatReference(parseReference(input))).toBe(expected);
  });

  it('keeps the tag absent when asked', () => {
    expect(parseReference('x', { defaultTag: false })).toEqual({ registry: 'docker.io', repository: 'library/x' });
  });

  it('gives the familiar form docker prints', () => {
    expect(familiarString(parseReference('centos'))).toBe('centos:latest');
    expect(familiarString(parseReference('docker.io/user/x:1'))).toBe('user/x:1');
    expect(familiarString(parseReference('localhost:5000/x'))).toBe('localhost:5000/x:latest');
  });

  it('maps Docker Hub to its API host', () => {
    expect(registryApiHost('docker.io')).toBe('registry-1.docker.io');
    expect(registryApiHost('localhost:5000')).toBe('localhost:5000');
  });
});

describe('parseReference: rejections', () => {
  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['Centos', /lowercase/],
    ['user/Repo', /lowercase/],
    ['host:5000/Ns/x', /lowercase/],
    ['x:-bad', /not a valid tag/],
    ['x:.bad', /not a valid tag/],
    [`x:${'a'.repeat(129)}`, /not a valid tag/],
    ['x@sha256:abc', /not a valid digest/],
    [`x@md5:${'a'.repeat(64)}`, /not a valid digest/],
    [`x@sha256:${'A'.repeat(64)}`, /not a valid digest/],
    ['a'.repeat(64), /bare 64-character hex/],
    [`${'a'.repeat(250)}/${'b'.repeat(10)}`, /limit is 255/],
    ['x//y', /not a valid repository path component/],
    ['x/-y', /not a valid repository path component/],
    ['host:99999/x', /not a valid port/],
    ['ho_st.com/x', /not a valid registry host/],
    ['x y', /not a valid/],
    [':tag', /empty/],
  ];
  it.each(bad)('%s is refused', (input, why) => {
    let err: unknown;
    try {
      parseReference(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HubctlError);
    expect((err as HubctlError).kind).toBe('usage');
    expect((err as HubctlError).message).toMatch(why);
  });

  it('never throws anything but a usage HubctlError on random input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        try {
          const r = parseReference(s);
          expect(formatReference(parseReference(formatReference(r)))).toBe(formatReference(r));
        } catch (e) {
          expect(e).toBeInstanceOf(HubctlError);
          expect((e as HubctlError).kind).toBe('usage');
        }
      }),
      { numRuns: 3000 },
    );
  });
});
