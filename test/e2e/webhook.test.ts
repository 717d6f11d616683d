import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSkopeo, seedImage, startRegistry, type Registry } from '../harness/index.mjs';
import { startCli, waitUntil, type BackgroundCli } from './background-cli.js';
import { GitFixture } from './git-fixture.js';
import { hubctl } from './run-cli.js';

const SECRET = 'test-webhook-secret-0123456789';
let root: string;
let env: NodeJS.ProcessEnv;
let secretFile: string;
let reg: Registry;
const servers: BackgroundCli[] = [];

/** The --run command: the event on stdin kept per id, then (so the file is whole when it shows) one line of HUBCTL_* in runs.txt. */
const runCommand = (dir: string) =>
  `cat > "${dir}/stdin-$HUBCTL_EVENT_ID.json"; printf '%s %s %s %s\\n' "$HUBCTL_EVENT_SOURCE" "$HUBCTL_EVENT_ID" "\${HUBCTL_IMAGE:-$HUBCTL_GIT_REF}" "\${HUBCTL_DIGEST:--}" >> ${dir}/runs.txt`;

async function serve(name: string, extra: string[]): Promise<{ cli: BackgroundCli; url: string; dir: string; log: string }> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  const log = join(dir, 'log.jsonl');
  const cli = startCli(['webhook', 'serve', '--listen', '127.0.0.1:0', '--secret-file', secretFile, '--log', log, ...extra], env);
  servers.push(cli);
  const m = await cli.waitForStderr(/listening on (http:\/\/127\.0\.0\.1:\d+\/)/);
  return { cli, url: m[1]!, dir, log };
}

const runs = async (dir: string) => (await readFile(join(dir, 'runs.txt'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
const logLines = async (log: string) =>
  (await readFile(log, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

function post(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  return fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-webhook-'));
  env = { HOME: root, HUBCTL_STORE: join(root, 'store'), DOCKER_CONFIG: join(root, 'docker') };
  secretFile = join(root, 'secret');
  await writeFile(secretFile, `${SECRET}\n`);
  await chmod(secretFile, 0o600);
});

afterAll(async () => {
  for (const s of servers) s.kill();
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('hubctl webhook serve: the distribution registry notifies it', () => {
  it('a skopeo push runs --run with the image and digest, and --pull puts it in the store', async () => {
    const a = await serve('registry', ['--run', runCommand(join(root, 'registry')), '--pull']);
    reg = await startRegistry({
      notifications: {
        endpoints: [
          { name: 'hubctl', url: a.url, headers: { Authorization: [`Bearer ${SECRET}`] }, timeout: '5s', threshold: 3, backoff: '1s' },
        ],
      },
    });
    const digest = await seedImage(reg, 'team/app:1.0', { layers: [2048] });
    const image = `${reg.host}/team/app:1.0`;
    const line = await waitUntil('the --run command', async () => (await runs(a.dir)).find((l) => l.includes(image)));
    const [source, id, shown, shownDigest] = line.split(' ');
    expect([source, shown, shownDigest]).toEqual(['registry', image, digest]);
    const event = JSON.parse(await readFile(join(a.dir, `stdin-${id}.json`), 'utf8'));
    expect(event).toMatchObject({ id, action: 'push', target: { repository: 'team/app', tag: '1.0', digest } });
    const ls = await hubctl(['images', '--digests', '--format', '{{.Repository}}:{{.Tag}} {{.Digest}}'], { env });
    expect(ls.stdout).toContain(`${reg.host}/team/app:1.0 ${digest}`);
    const log = await logLines(a.log);
    expect(log.some((l) => l.type === 'delivery' && l.status === 202 && l.auth === 'bearer' && l.source === 'registry')).toBe(true);
    const job = await waitUntil('the job line', async () => (await logLines(a.log)).find((l) => l.type === 'job' && l.event === id));
    expect(job).toMatchObject({
      status: 'ok',
      image,
      digest,
      steps: [
        { step: 'pull', ok: true },
        { step: 'run', ok: true, exitCode: 0 },
      ],
    });

    // the same event delivered again (as a registry retrying would) runs nothing more
    const replay = await post(a.url, JSON.stringify({ events: [event] }), { authorization: `Bearer ${SECRET}` });
    expect(replay.status).toBe(202);
    expect(await replay.json()).toEqual({ accepted: 0, duplicates: 1, ignored: 0 });
    expect((await runs(a.dir)).filter((l) => l.includes(` ${id} `))).toHaveLength(1);
    expect(await readFile(a.log, 'utf8')).not.toContain(SECRET);
  });
});

describe('hubctl webhook serve: Docker Hub and git hosts', () => {
  let b: Awaited<ReturnType<typeof serve>>;
  let repo: GitFixture;
  let built: Registry;

  beforeAll(async () => {
    built = await startRegistry();
    repo = await GitFixture.init(join(root, 'repo'));
    await repo.commit({ Dockerfile: 'FROM scratch\nCOPY hello.txt /\n', 'hello.txt': 'hello\n' });
    const args = `${repo.dir} --image ${built.host}/team/built --rule branch=main:tag=latest --state ${join(root, 'hook-state.json')} -q`;
    b = await serve('hub', ['--run', runCommand(join(root, 'hub')), '--autobuild', args]);
  });
  afterAll(async () => built?.stop());

  const hub = {
    callback_url: 'https://registry.hub.docker.com/u/alice/app/hook/x/',
    push_data: { tag: 'latest', pushed_at: 1700000000, pusher: 'alice' },
    repository: { repo_name: 'alice/app', namespace: 'alice', name: 'app' },
  };

  it('a Docker Hub payload with ?token= runs the command once, however often it comes; a wrong token is 401', async () => {
    const body = JSON.stringify(hub);
    const first = await post(`${b.url}?token=${SECRET}`, body);
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ accepted: 1, duplicates: 0, ignored: 0 });
    expect((await post(`${b.url}?token=${SECRET}`, body)).status).toBe(202);
    const line = await waitUntil('the run', async () => (await runs(b.dir)).find((l) => l.startsWith('hub ')));
    expect(line).toMatch(/^hub hub-[0-9a-f]{32} docker\.io\/alice\/app:latest -$/);
    const bad = await post(`${b.url}?token=nope`, JSON.stringify({ ...hub, push_data: { ...hub.push_data, tag: 'x' } }));
    expect(bad.status).toBe(401);
    await waitUntil('the job line', async () => (await logLines(b.log)).some((l) => l.type === 'job' && l.source === 'hub'));
    expect((await runs(b.dir)).filter((l) => l.startsWith('hub '))).toHaveLength(1);
    const log = await readFile(b.log, 'utf8');
    expect(log).toContain('"path":"/?token=***"');
    expect(log).not.toContain(SECRET);
  });

  it('a GitHub push with a valid HMAC triggers the autobuild; a bad HMAC is 401 and runs nothing', async () => {
    const commit = repo.git('rev-parse', 'HEAD');
    const push = JSON.stringify({ ref: 'refs/heads/main', after: commit, repository: { clone_url: 'https://github.com/alice/app.git' } });
    const sign = (body: string, key = SECRET) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
    const forged = await post(b.url, push, {
      'x-github-event': 'push',
      'x-github-delivery': 'forged-1',
      'x-hub-signature-256': sign(push, 'wrong'),
    });
    expect(forged.status).toBe(401);
    const res = await post(b.url, push, { 'x-github-event': 'push', 'x-github-delivery': 'delivery-1', 'x-hub-signature-256': sign(push) });
    expect(res.status).toBe(202);
    const job = await waitUntil(
      'the autobuild job',
      async () => (await logLines(b.log)).find((l) => l.type === 'job' && l.event === 'delivery-1'),
      60_000,
    );
    expect(job).toMatchObject({
      status: 'ok',
      steps: [
        { step: 'run', ok: true },
        { step: 'autobuild', ok: true, exitCode: 0 },
      ],
    });
    const tags = JSON.parse((await runSkopeo(['list-tags', '--tls-verify=false', `docker://${built.host}/team/built`])).stdout);
    expect(tags.Tags).toEqual(['latest']);
    const lines = await runs(b.dir);
    expect(lines).toContain('git delivery-1 refs/heads/main -');
    expect(lines.some((l) => l.includes('forged-1'))).toBe(false);
    expect((await logLines(b.log)).some((l) => l.status === 401 && l.reason === 'bad signature in x-hub-signature-256')).toBe(true);
  });

  it('refuses oversized and malformed bodies, other paths and methods, with nothing run', async () => {
    const before = (await runs(b.dir)).length;
    const auth = { authorization: `Bearer ${SECRET}` };
    const big = await post(b.url, Buffer.alloc(1024 * 1024 + 1, 0x20), auth).catch((e: Error) => e);
    if (big instanceof Error) expect(big.message).toMatch(/fetch failed|socket/);
    else expect(big.status).toBe(413);
    expect((await post(b.url, '{"push_data": ', auth)).status).toBe(400);
    expect((await post(b.url, '{"hello": 1}', auth)).status).toBe(422);
    expect((await post(`${b.url}hooks`, '{}', auth)).status).toBe(404);
    expect((await fetch(b.url, { headers: auth })).status).toBe(405);
    expect((await post(b.url, JSON.stringify(hub))).status).toBe(401);
    expect((await runs(b.dir)).length).toBe(before);
    // each refusal's log line is appended after its answer went out: wait for all six
    const want = [413, 400, 422, 404, 405, 401];
    const statuses = await waitUntil(
      'a log line for each refusal',
      async () => {
        const seen = (await logLines(b.log)).map((l) => l.status);
        return want.every((s) => seen.includes(s)) ? seen : undefined;
      },
      30_000,
    );
    expect(statuses).toEqual(expect.arrayContaining(want));
  });
});

describe('hubctl webhook serve: SIGTERM and SIGHUP', () => {
  it('stops accepting, lets the running job finish, drops the waiting one, exits 0', async () => {
    const dir = join(root, 'term');
    // the job runs until the test lets it finish (bounded: 60 s at most)
    const cmd = `touch ${dir}/started-$HUBCTL_EVENT_ID; i=0; while [ ! -e ${dir}/release ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; touch ${dir}/done-$HUBCTL_EVENT_ID`;
    const c = await serve('term', ['--run', cmd]);
    const payload = (tag: string) => JSON.stringify({ push_data: { tag, pushed_at: 1 }, repository: { repo_name: 'alice/slow' } });
    expect((await post(`${c.url}?token=${SECRET}`, payload('1'))).status).toBe(202);
    expect((await post(`${c.url}?token=${SECRET}`, payload('2'))).status).toBe(202);
    const started = await waitUntil('the first job', async () => (await readdir(dir)).find((f) => f.startsWith('started-')));
    const id = started.slice('started-'.length);
    c.cli.child.kill('SIGTERM');
    await c.cli.waitForStderr(/no longer accepting/);
    await expect(post(`${c.url}?token=${SECRET}`, payload('3'))).rejects.toThrow();
    expect(existsSync(join(dir, `done-${id}`))).toBe(false);
    await writeFile(join(dir, 'release'), '');
    expect(await c.cli.exited()).toBe(0);
    expect(existsSync(join(dir, `done-${id}`))).toBe(true);
    const jobs = (await logLines(c.log)).filter((l) => l.type === 'job');
    expect(jobs.map((j) => j.status).sort()).toEqual(['dropped', 'ok']);
    expect(c.cli.stderr()).toMatch(/stopped\n$/);
  });

  it('SIGHUP (a closed terminal, a dropped ssh session) stops it the same graceful way: exit 0', async () => {
    const c = await serve('hup', ['--run', 'true']);
    c.cli.child.kill('SIGHUP');
    await c.cli.waitForStderr(/SIGHUP: no longer accepting/);
    expect(await c.cli.exited()).toBe(0);
    expect(c.cli.stderr()).toMatch(/stopped\n$/);
  });
});
