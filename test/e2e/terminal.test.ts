/**
 * Colour and spinners as a person sees them, on a real pseudo-terminal (`script`), and their absence
 * everywhere else: colour only on a terminal (or with FORCE_COLOR), never with NO_COLOR or
 * FORCE_COLOR=0; a spinner only on a terminal, only for a wait that lasts, and never on stdout.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, hubctl } from './run-cli.js';

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const ESC = '\u001b[';

/** Runs `hubctl args` on a pty (stdout optionally to a file); resolves with what the terminal showed. */
function onTty(args: string[], env: NodeJS.ProcessEnv, stdoutFile?: string): Promise<{ code: number | null; screen: string }> {
  // a sized terminal, as a person's is (a pty script opens has 0 columns)
  const command = `stty cols 120 rows 40; ${[process.execPath, BIN, ...args].map(shellQuote).join(' ')}${stdoutFile ? ` > ${shellQuote(stdoutFile)}` : ''}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { PATH: process.env.PATH, TERM: 'xterm', HOME: root, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let screen = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const add = (d: string) => {
      screen += d;
      onScreen?.(screen);
    };
    child.stdout.setEncoding('utf8').on('data', add);
    child.stderr.setEncoding('utf8').on('data', add);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}

let root: string;
let slow: Server;
let slowHost: string;
/** When the slow registry answers a search: after 1.2 s, or (the spinner test) once the spinner is on the screen. */
let answerWhen: () => Promise<void> = () => new Promise((r) => setTimeout(r, 1200));
/** Called with the screen so far as a terminal run prints. */
let onScreen: ((screen: string) => void) | undefined;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hubctl-e2e-tty-'));
  // a registry whose search answers after 1.2 s: long enough for the spinner to show
  slow = createServer((req, res) => {
    if (req.url?.startsWith('/v1/search')) {
      void answerWhen().then(() => {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            num_pages: 1,
            num_results: 1,
            page: 1,
            page_size: 25,
            query: 'web',
            results: [{ name: 'team/web', description: 'a web server', star_count: 3, is_official: false, is_automated: false }],
          }),
        );
      });
      return;
    }
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
  const addr = slow.address();
  slowHost = `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

afterAll(async () => {
  await new Promise((r) => slow?.close(r));
  if (root) await rm(root, { recursive: true, force: true });
});

describe('colour', () => {
  const bad = ['pull', 'NOT/Valid'];

  it('on a terminal: Error: in red, hint: in cyan', async () => {
    const { code, screen } = await onTty(bad, {});
    expect(code).toBe(2);
    expect(screen).toContain(`${ESC}31m${ESC}1mError:`);
    expect(screen).toContain(`${ESC}36mhint:`);
  });

  it('none on a terminal with NO_COLOR, FORCE_COLOR=0 or TERM=dumb', async () => {
    for (const env of [{ NO_COLOR: '1' }, { FORCE_COLOR: '0' }, { TERM: 'dumb' }]) {
      const { code, screen } = await onTty(bad, env);
      expect(code).toBe(2);
      expect(screen, JSON.stringify(env)).toContain('Error: invalid reference');
      expect(screen, JSON.stringify(env)).not.toContain(ESC);
    }
  });

  it('none off a terminal; forced there by FORCE_COLOR (which wins over NO_COLOR, as in Node)', async () => {
    expect((await hubctl(bad)).stderr).not.toContain(ESC);
    expect((await hubctl(bad, { env: { FORCE_COLOR: '1' } })).stderr).toMatch(/^\u001b\[31m\u001b\[1mError:\u001b\[22m\u001b\[39m invalid/);
    expect((await hubctl(bad, { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stderr).toContain(ESC);
    expect((await hubctl(bad, { env: { FORCE_COLOR: '0' } })).stderr).not.toContain(ESC);
  });
});

describe('spinner', () => {
  it('shows on the terminal while a search waits, never on stdout', async () => {
    const out = join(root, 'search.out');
    // the registry answers once the spinner is seen (or after 15 s, and the test fails)
    let seen: () => void = () => undefined;
    const spinnerShown = new Promise<void>((r) => (seen = r));
    onScreen = (text) => {
      if (/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Searching for/.test(text)) seen();
    };
    answerWhen = () => Promise.race([spinnerShown, new Promise<void>((r) => setTimeout(r, 15_000))]);
    const { code, screen } = await onTty(['search', `${slowHost}/web`], {}, out).finally(() => {
      onScreen = undefined;
      answerWhen = () => new Promise((r) => setTimeout(r, 1200));
    });
    expect(code, screen.slice(0, 2000)).toBe(0);
    expect(screen.slice(0, 4000)).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Searching for 127\.0\.0\.1:\d+\/web/);
    const stdout = await readFile(out, 'utf8');
    expect(stdout).toMatch(/^NAME\s+DESCRIPTION/);
    expect(stdout).not.toMatch(/Searching|[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]|\u001b/);
  });

  it('not off a terminal', async () => {
    const r = await hubctl(['search', `${slowHost}/web`]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^NAME\s+DESCRIPTION[^\n]*\nteam\/web/);
  });

  it('not for a quick answer, not with TERM=dumb', async () => {
    const quick = await onTty(['config', 'list'], {});
    expect(quick.screen).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    const dumb = await onTty(['search', `${slowHost}/web`], { TERM: 'dumb' });
    expect(dumb.code).toBe(0);
    expect(dumb.screen).not.toMatch(/Searching/);
  });
});
