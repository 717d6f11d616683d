import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { openEventLog } from '../../../src/webhook/log.js';
import type { HubctlError } from '../../../src/errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hubctl-webhook-log-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const at = () => new Date(0);

describe('webhook serve --log: the output rule', () => {
  it('appends to a regular file (created 0600), keeping what was there', async () => {
    const path = join(dir, 'log.jsonl');
    await writeFile(path, 'old\n', { mode: 0o600 });
    const log = await openEventLog(path, at);
    log.write({ type: 'delivery', status: 202 });
    await log.close();
    expect(await readFile(path, 'utf8')).toBe('old\n{"time":"1970-01-01T00:00:00.000Z","type":"delivery","status":202}\n');
    const fresh = join(dir, 'new.jsonl');
    await (await openEventLog(fresh, at)).close();
    expect((await stat(fresh)).mode & 0o777).toBe(0o600);
  });

  it('writes through a FIFO (its reader gets every line) and it stays a FIFO', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const read = text(createReadStream(fifo));
    const log = await openEventLog(fifo, at);
    log.write({ type: 'job', status: 'ok' });
    await log.close();
    expect(await read).toBe('{"time":"1970-01-01T00:00:00.000Z","type":"job","status":"ok"}\n');
    expect((await stat(fifo)).isFIFO()).toBe(true);
  });

  it('refuses a directory with one usage error', async () => {
    const d = join(dir, 'a-dir');
    await mkdir(d);
    const err = (await openEventLog(d, at).catch((e: unknown) => e)) as HubctlError;
    expect(err.kind).toBe('usage');
    expect(err.message).toMatch(/refusing to write the log to .*: it is a directory/);
  });
});
