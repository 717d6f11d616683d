import { describe, expect, it } from 'vitest';
import { PayloadError, parseDelivery } from '../../../src/webhook/payloads.js';

const M = 'application/vnd.oci.image.manifest.v1+json';
const D = `sha256:${'a'.repeat(64)}`;

function event(over: Record<string, unknown> = {}, target: Record<string, unknown> = {}) {
  return {
    id: 'ev-1',
    action: 'push',
    target: {
      mediaType: M,
      digest: D,
      size: 500,
      repository: 'team/app',
      url: `http://127.0.0.1:5000/v2/team/app/manifests/${D}`,
      tag: '1.0',
      ...target,
    },
    request: { host: '127.0.0.1:5000', method: 'PUT' },
    ...over,
  };
}

describe('webhook deliveries', () => {
  it('reads manifest pushes with a tag from a registry envelope and ignores the rest', () => {
    const d = parseDelivery(
      {},
      {
        events: [
          event(),
          event({ id: 'blob' }, { mediaType: 'application/octet-stream', tag: undefined }),
          event({ id: 'by-digest' }, { tag: undefined }),
          event({ id: 'pull', action: 'pull' }),
          event({ id: 'hub', request: {} }, { url: 'https://registry.example/v2/x/manifests/1', repository: 'x' }),
          'junk',
        ],
      },
    );
    expect(d.source).toBe('registry');
    expect(d.ignored).toBe(4);
    expect(d.events).toEqual([
      { source: 'registry', id: 'ev-1', image: '127.0.0.1:5000/team/app:1.0', digest: D, payload: event() },
      expect.objectContaining({ id: 'hub', image: 'registry.example/x:1.0' }),
    ]);
  });

  it('reads Docker Hub push payloads, with a stable id', () => {
    const hub = {
      callback_url: 'https://x',
      push_data: { tag: 'latest', pushed_at: 1700000000, pusher: 'alice' },
      repository: { repo_name: 'alice/app' },
    };
    const a = parseDelivery({}, hub);
    expect(a.events).toEqual([
      { source: 'hub', id: expect.stringMatching(/^hub-[0-9a-f]{32}$/), image: 'docker.io/alice/app:latest', payload: hub },
    ]);
    expect(parseDelivery({}, structuredClone(hub)).events[0]!.id).toBe(a.events[0]!.id);
    expect(parseDelivery({}, { ...hub, push_data: { ...hub.push_data, pushed_at: 1700000001 } }).events[0]!.id).not.toBe(a.events[0]!.id);
    expect(parseDelivery({}, { push_data: {}, repository: { repo_name: 'alice/app' } })).toMatchObject({ events: [], ignored: 1 });
  });

  it('reads git push events of GitHub, Gitea and Forgejo; ignores other events and deletions', () => {
    const push = { ref: 'refs/tags/v1.2', after: 'c'.repeat(40), repository: { clone_url: 'https://github.com/a/b.git' } };
    expect(parseDelivery({ 'x-github-event': 'push', 'x-github-delivery': 'guid-1' }, push).events).toEqual([
      {
        source: 'git',
        id: 'guid-1',
        host: 'github',
        repository: 'https://github.com/a/b.git',
        ref: 'refs/tags/v1.2',
        commit: 'c'.repeat(40),
        payload: push,
      },
    ]);
    expect(parseDelivery({ 'x-forgejo-event': 'push' }, push).events[0]).toMatchObject({
      host: 'forgejo',
      id: `https://github.com/a/b.git@refs/tags/v1.2:${'c'.repeat(40)}`,
    });
    expect(parseDelivery({ 'x-github-event': 'ping' }, { zen: 'x' })).toEqual({ source: 'git', events: [], ignored: 1 });
    expect(parseDelivery({ 'x-gitea-event': 'push' }, { ...push, after: '0'.repeat(40), deleted: true }).events).toEqual([]);
    expect(() => parseDelivery({ 'x-github-event': 'push' }, { ref: 'refs/heads/x' })).toThrow(PayloadError);
  });

  it('answers 4xx for what it cannot read', () => {
    for (const body of [[], 'text', null, { hello: 1 }]) {
      try {
        parseDelivery({}, body);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(PayloadError);
        expect((e as PayloadError).status).toBeGreaterThanOrEqual(400);
        expect((e as PayloadError).status).toBeLessThan(500);
      }
    }
  });
});
