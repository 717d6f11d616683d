import { describe, expect, it } from 'vitest';
import { fromImages } from '../../../src/autobuild/bases.js';

describe('FROM images of a Dockerfile', () => {
  it('lists registry images once, without scratch, stages or unresolved names', () => {
    const text = [
      'ARG BASE=alpine:3.20',
      'ARG UNSET',
      'FROM $BASE AS build',
      'RUN make',
      'FROM build AS test',
      'FROM ${UNSET}',
      'FROM scratch',
      'FROM localhost:5000/team/runtime:1 AS final',
      'COPY --from=build /out /',
      'FROM alpine:3.20',
    ].join('\n');
    expect(fromImages(text)).toEqual(['docker.io/library/alpine:3.20', 'localhost:5000/team/runtime:1']);
    expect(fromImages(text, { BASE: 'debian' })).toEqual([
      'docker.io/library/debian:latest',
      'localhost:5000/team/runtime:1',
      'docker.io/library/alpine:3.20',
    ]);
    expect(fromImages('FROM scratch\nCOPY a /\n')).toEqual([]);
  });
});
