/**
 * `hubctl webhook serve` (declared in webhook/declare.ts). Resolves the flags once (secret, log, the
 * job's actions), then serves until SIGINT/SIGTERM/SIGHUP: the first signal stops accepting, drops jobs that
 * have not started and waits for running ones (exit 0); a second one stops the running programs and
 * exits with 130.
 */
import { promises as fsp } from 'node:fs';
import { isIP } from 'node:net';
import { usageError } from '../../../errors.js';
import { shellWords } from '../../../builder/shell-words.js';
import type { Client } from '../../../api/client.js';
import { openEventLog, streamEventLog, type EventLog } from '../../../webhook/log.js';
import { runJob, type JobActions } from '../../../webhook/jobs.js';
import { WebhookServer } from '../../../webhook/server.js';
import { clientOptions } from '../../client-options.js';
import { parseDuration, parsePositiveInt } from '../../parse.js';
import type { CliRuntime } from '../../runtime.js';

export interface ServeFlags {
  secretFile: string;
  listen: string;
  run?: string;
  pull?: boolean;
  autobuild?: string;
  log?: string;
  jobs: string;
  jobTimeout: string;
  insecure?: boolean;
  caFile?: string;
}

export async function serveCommand(rt: CliRuntime, flags: ServeFlags): Promise<void> {
  const { host, port } = parseListen(flags.listen);
  const concurrency = parsePositiveInt(flags.jobs, '--jobs', 64);
  const timeoutMs = parseDuration(flags.jobTimeout, '--job-timeout', 1000, 7 * 24 * 3_600_000);
  const autobuild = flags.autobuild === undefined ? undefined : autobuildArgv(rt, flags.autobuild);
  if (flags.run === undefined && !flags.pull && autobuild === undefined) {
    rt.out.warn('none of --run, --pull or --autobuild is given: deliveries are logged and nothing else happens');
  }
  const secret = await readSecret(rt, flags.secretFile);
  const log: EventLog = flags.log ? await openEventLog(flags.log) : streamEventLog(process.stdout);
  let client: Client | undefined;
  if (flags.pull) {
    const { createClient } = await import('../../../api/client.js');
    client = createClient(await clientOptions(rt, flags));
  }
  const pullInto = client;
  const actions: JobActions = {
    env: rt.env,
    output: process.stderr,
    timeoutMs,
    ...(flags.run !== undefined ? { run: flags.run } : {}),
    ...(autobuild ? { autobuild } : {}),
    ...(pullInto
      ? {
          pull: async (image: string, signal: AbortSignal) => {
            const { pull } = await import('../../../api/pull.js');
            return pull(pullInto, image, { signal });
          },
        }
      : {}),
  };
  const server = new WebhookServer({ secret, host, port, log, concurrency, handle: (event, signal) => runJob(event, actions, signal) });
  try {
    const bound = await server.listen().catch((e: NodeJS.ErrnoException) => {
      throw usageError('LISTEN_FAILED', `cannot listen on ${flags.listen}: ${e.code ?? e.message}`, {
        hint: e.code === 'EADDRINUSE' ? 'another program uses that port: pick another with --listen' : undefined,
      });
    });
    const shown = bound.host.includes(':') ? `[${bound.host}]:${bound.port}` : `${bound.host}:${bound.port}`;
    if (!isLoopback(host)) {
      rt.out.warn(
        `listening on ${shown}, which other machines can reach: senders put the secret in every request, so put TLS in front (a reverse proxy)`,
      );
    }
    const stopped = new Promise<void>((resolve) => {
      rt.takeOverInterrupts((signal, count) => {
        if (count > 1) {
          rt.out.info(`${signal}: stopping running jobs now`);
          server.abortJobs();
          return;
        }
        rt.out.info(`${signal}: no longer accepting deliveries; waiting for running jobs (again to stop them)`);
        server.stop().then(resolve, resolve);
      });
    });
    rt.out.info(`hubctl webhook: listening on http://${shown}/`);
    await stopped;
    rt.out.info('stopped');
  } finally {
    await server.stop().catch(() => undefined);
    await log.close();
    await client?.close();
  }
}

function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535) {
    throw usageError('INVALID_FLAG', `--listen must be HOST:PORT (e.g. 127.0.0.1:9000, [::1]:9000, 0.0.0.0:9000), not "${text}"`);
  }
  return { host: (m[1] ?? m[2])!, port };
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** The secret: the file's content without trailing line breaks; the file should not be readable by others. */
async function readSecret(rt: CliRuntime, path: string): Promise<string> {
  let text: string;
  try {
    const st = await fsp.stat(path);
    if (!st.isFile()) throw usageError('SECRET_FILE', `--secret-file ${path} is not a regular file`);
    if ((st.mode & 0o077) !== 0) rt.out.warn(`${path} is readable by other users: chmod 600 ${path}`);
    text = await fsp.readFile(path, 'utf8');
  } catch (e) {
    if ((e as { kind?: string }).kind) throw e;
    throw usageError('SECRET_FILE', `cannot read --secret-file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const secret = text.replace(/[\r\n]+$/, '');
  if (secret.trim() === '')
    throw usageError('SECRET_FILE', `--secret-file ${path} is empty`, {
      hint: 'put a long random string in it, e.g. openssl rand -hex 32',
    });
  if (secret.includes('\n')) throw usageError('SECRET_FILE', `--secret-file ${path} holds more than one line`);
  return secret;
}

/** `hubctl [--root R] [--config C] autobuild ARGS... --once`, run with this same node and hubctl. */
function autobuildArgv(rt: CliRuntime, args: string): string[] {
  const words = shellWords(args, { lookup: (name) => `$${name}` });
  if (words.length === 0)
    throw usageError('INVALID_FLAG', '--autobuild needs the arguments of hubctl autobuild: GIT_REPO --image NAME ...');
  const misplaced = words.find((w) => w === '--once' || w === '--watch' || w.startsWith('--watch='));
  if (misplaced) throw usageError('INVALID_FLAG', `--autobuild runs "hubctl autobuild ... --once" itself: leave out ${misplaced}`);
  const g = rt.globals();
  const globals = [...(g.root ? ['--root', g.root] : []), ...(g.config ? ['--config', g.config] : [])];
  return [process.execPath, process.argv[1]!, ...globals, 'autobuild', ...words, '--once'];
}
