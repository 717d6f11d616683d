import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../../../src/builder/dockerfile.js';
import { containerInstruction, planStages } from '../../../src/builder/dockerfile-stages.js';
import { BudOutput } from '../../../src/builder/buildah/output.js';
import { handoverName, rewriteDigestFroms } from '../../../src/builder/buildah/digest-froms.js';
import { HubctlError } from '../../../src/errors.js';

const amd64 = { os: 'linux', architecture: 'amd64' };

describe('containerInstruction: what sends a Dockerfile to buildah', () => {
  it.each([
    ['FROM scratch\nCOPY a /\n', undefined],
    ['FROM scratch\nCOPY a /\nRUN make\n', 3],
    ['FROM alpine AS a\nCOPY x /\nFROM scratch\nCOPY --from=a /x /\n', 3],
  ])('%j -> line %s', (text, line) => {
    expect(containerInstruction(parseDockerfile(text).instructions)?.line).toBe(line);
  });
});

describe('planStages', () => {
  const text = [
    'ARG BASE=debian:12',
    'FROM --platform=$BUILDPLATFORM golang:1.22 AS build',
    'RUN go build',
    'FROM ${BASE} AS unused',
    'RUN true',
    'FROM build AS test',
    'RUN go test',
    'FROM scratch',
    'COPY --from=build /out /app',
    'COPY --from=alpine:3 /etc/ssl /etc/ssl',
    'COPY --from=0 /x /y',
  ].join('\n');

  it('lists the images the target needs, once each, and skips stages it does not use', () => {
    const plan = planStages(parseDockerfile(text), { platform: { os: 'linux', architecture: 'arm64' } });
    expect(plan.stages.map((s) => [s.name, s.base, s.ref])).toEqual([
      ['build', 'image', 'docker.io/library/golang:1.22'],
      ['unused', 'image', 'docker.io/library/debian:12'],
      ['test', 'stage', undefined],
      [undefined, 'scratch', undefined],
    ]);
    expect(plan.images.map((i) => i.ref)).toEqual(['docker.io/library/golang:1.22', 'docker.io/library/alpine:3']);
    // FROM --platform=$BUILDPLATFORM is this machine's; COPY --from images are the target's
    expect(plan.images[1]!.platform).toEqual({ os: 'linux', architecture: 'arm64' });
    expect(plan.stages[3]!.instructions.map((i) => i.line)).toEqual([8, 9, 10, 11]);
  });

  it('follows --target and --build-arg', () => {
    const plan = planStages(parseDockerfile(text), { platform: amd64, target: 'UNUSED', buildArgs: { BASE: 'ubuntu:24.04' } });
    expect(plan.images.map((i) => i.ref)).toEqual(['docker.io/library/ubuntu:24.04']);
  });

  it('refuses an unknown --target, naming the stages', () => {
    expect(() => planStages(parseDockerfile(text), { target: 'nope' })).toThrow(/no stage named nope/);
  });
});

describe('BudOutput: buildah output in docker words, and its failure as one error', () => {
  const stages = planStages(parseDockerfile('FROM a AS one\nRUN x\nFROM b\nCOPY --from=one /x /x\nRUN echo \\\n  hi && false\n'), {
    platform: amd64,
  }).stages;

  it('translates steps and layer lines, hides the adapter-only ones', () => {
    const lines: string[] = [];
    const out = new BudOutput((l) => lines.push(l));
    for (const l of [
      '[1/2] STEP 1/2: FROM a AS one',
      '[1/2] STEP 2/2: RUN x',
      'output of x',
      '--> 1a2b3c4d5e6',
      '[2/2] COMMIT localhost/hubctl-build-1:latest',
      '--> Using cache 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      'Successfully tagged localhost/hubctl-build-1:latest',
      '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      'subprocess exited with status 1',
    ]) {
      out.line(l);
    }
    expect(lines).toEqual([
      '[1/2] Step 1/2 : FROM a AS one',
      '[1/2] Step 2/2 : RUN x',
      'output of x',
      ' ---> 1a2b3c4d5e6',
      ' ---> 0123456789ab',
    ]);
    expect(out.images).toEqual(['1a2b3c4d5e6', '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef']);
  });

  it('a failing RUN names its Dockerfile line and the exit status', () => {
    const out = new BudOutput(() => undefined);
    out.line('[2/2] STEP 3/3: RUN echo   hi && false');
    const e = out.failure('building at STEP "RUN echo   hi && false": exit status 1', stages);
    expect(e).toBeInstanceOf(HubctlError);
    expect(e.kind).toBe('usage');
    expect(e.code).toBe('RUN_FAILED');
    expect(e.message).toBe('Dockerfile:5: RUN echo   hi && false: the command exited with status 1');
    expect(e.details).toEqual({ line: 5, status: 1 });
  });

  it('another failing step names its line and buildah reason; no step is an engine failure', () => {
    const out = new BudOutput(() => undefined);
    out.line('[2/2] STEP 2/3: COPY --from=one /x /x');
    const e = out.failure('building at STEP "COPY --from=one /x /x": checking on sources: no such file', stages);
    expect(e.message).toBe('Dockerfile:4: COPY --from=one /x /x: checking on sources: no such file');
    expect(new BudOutput(() => undefined).failure('mounting: permission denied', stages).kind).toBe('internal');
  });
});

describe('digest references handed to buildah', () => {
  const digest = `sha256:${'a'.repeat(64)}`;

  it('a digest reference gets a tag buildah can find; a tag reference stays', () => {
    expect(handoverName(`docker.io/library/alpine@${digest}`)).toBe(`docker.io/library/alpine:hubctl-sha256-${'a'.repeat(64)}`);
    expect(handoverName('docker.io/library/alpine:3')).toBe('docker.io/library/alpine:3');
  });

  it('FROM image@digest is rewritten on its own lines, the line numbers of the rest unchanged', () => {
    const text = `# c\nFROM --platform=$BUILDPLATFORM \\\n  alpine@${digest} AS Build\nRUN x\nFROM alpine:3\nRUN y\n`;
    const parsed = parseDockerfile(text);
    const out = rewriteDigestFroms(text, planStages(parsed, { platform: amd64 }).stages, parsed.escape)!;
    expect(out.split('\n')).toEqual([
      '# c',
      `FROM --platform=$BUILDPLATFORM docker.io/library/alpine:hubctl-sha256-${'a'.repeat(64)} AS build`,
      '',
      'RUN x',
      'FROM alpine:3',
      'RUN y',
      '',
    ]);
    expect(parseDockerfile(out).instructions.map((i) => i.line)).toEqual(parsed.instructions.map((i) => i.line));
    expect(rewriteDigestFroms('FROM alpine:3\n', planStages(parseDockerfile('FROM alpine:3\n')).stages, '\\')).toBeUndefined();
  });
});
