import { constants as fsc, createWriteStream, promises as fsp, type Stats } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { isatty } from 'node:tty';
import { storeError, usageError } from '../errors.js';
import { fsyncDir, tempPathFor } from './atomic.js';
import { fsError, isFsError } from './fs-errors.js';

/**
 * "Open an output path": the one rule for every command that writes to a path the user names
 * (`save -o`, and `blob -o` and `--iidfile` when they come), so that no command ever replaces what is
 * not a regular file:
 *
 * - absent, or a regular file: written to a temp file in the same directory, fsynced, renamed over
 *   the target on success (a failed write leaves the old file or nothing); an existing file keeps its mode;
 * - a symlink: followed to the file it names (a dangling one to the file it would name), and the
 *   rule applied there, so the link stays a link and the file it points at gets the bytes (as `>` in
 *   a shell does; docker's `-o` follows the link too, without the atomic rename);
 * - a character device (`/dev/null`), a FIFO (`-o >(gzip > x)`): opened and written straight through,
 *   never truncated, renamed or unlinked; a terminal is refused like `save` without `-o`;
 * - `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`: the descriptor itself (process.stdout
 *   for 1), which works whatever it is: a pipe, a file, a socket from the parent;
 * - a named Unix socket: connected to, and written to;
 * - a directory, a block device: refused with one usage error (writing an archive over a disk is
 *   never what was meant).
 */
export type OutputKind = 'file' | 'device' | 'fifo' | 'socket' | 'stdio';

export interface OutputPath {
  /** The path as given. */
  readonly path: string;
  /** Where the bytes land: the resolved file, device or FIFO. */
  readonly target: string;
  readonly kind: OutputKind;
  /** Write here, then end it (a pipeline does) and call commit(). */
  readonly stream: Writable;
  /** After the stream ended: fsync and rename into place (a file), or close (anything else). */
  commit(): Promise<void>;
  /** On failure: closes, and removes the temp file of a regular-file target. Safe to call twice. */
  abort(): Promise<void>;
}

export interface OpenOutputOptions {
  /** Mode of a new regular file (default 0o644, less the umask). */
  mode?: number;
  /** What is written, for messages (`the archive`). */
  what?: string;
  /** Let a terminal be the output (default false). */
  allowTerminal?: boolean;
  /** The process's own stdout/stderr, used for /dev/stdout and /dev/stderr (default process.stdout/stderr). */
  stdio?: { stdout?: Writable; stderr?: Writable };
}

const FD_PATH = /^\/(?:dev\/fd|proc\/(?:self|thread-self|\d+)\/fd)\/(\d+)$/;

/** fd 1 or 2 when `p` names this process's stdout or stderr, else undefined. */
function ownStdio(p: string): 1 | 2 | undefined {
  if (p === '/dev/stdout') return 1;
  if (p === '/dev/stderr') return 2;
  const m = FD_PATH.exec(p);
  if (m === null) return undefined;
  const pid = /^\/proc\/(\d+)\//.exec(p)?.[1];
  if (pid !== undefined && Number(pid) !== process.pid) return undefined;
  return m[1] === '1' ? 1 : m[1] === '2' ? 2 : undefined;
}

type Resolved =
  | { kind: 'stdio'; fd: 1 | 2; target: string }
  | { kind: 'absent'; target: string }
  | { kind: 'stat'; target: string; st: Stats };

/** Follows symlinks (at most 40) to what the path really names, without opening anything. */
async function resolveTarget(path: string): Promise<Resolved> {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    const fd = ownStdio(current);
    if (fd !== undefined) return { kind: 'stdio', fd, target: current };
    try {
      // /proc/*/fd/N are links to things without a path (pipe:[123]): stat them through the kernel
      const st = FD_PATH.test(current) ? await fsp.stat(current) : await fsp.lstat(current);
      if (!st.isSymbolicLink()) return { kind: 'stat', target: current, st };
      const link = await fsp.readlink(current);
      current = resolve(await fsp.realpath(dirname(current)), link);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent', target: current };
      throw fsError(e, { path: current, action: 'open' });
    }
  }
  throw storeError('FS_ELOOP', `cannot write ${path}: too many levels of symbolic links`, { hint: 'fix the symbolic link loop' });
}

/** Opens `path` for writing by the rule above. */
export async function openOutputPath(path: string, options: OpenOutputOptions = {}): Promise<OutputPath> {
  const what = options.what ?? 'the output';
  const r = await resolveTarget(path);
  const refuse = (why: string) =>
    usageError('OUTPUT_NOT_WRITABLE', `refusing to write ${what} to ${path}: ${why}`, {
      hint: 'give the path of a regular file (it is replaced atomically), a FIFO or a character device',
    });
  if (r.kind === 'stdio') {
    const stream = r.fd === 1 ? (options.stdio?.stdout ?? process.stdout) : (options.stdio?.stderr ?? process.stderr);
    if (!options.allowTerminal && isatty(r.fd)) throw refuse('it is a terminal');
    return { path, target: r.target, kind: 'stdio', stream, commit: async () => undefined, abort: async () => undefined };
  }
  if (r.kind === 'absent' || r.st.isFile()) return openAtomic(path, r.target, r.kind === 'absent' ? undefined : r.st, options);
  const st = r.st;
  if (st.isDirectory()) throw refuse('it is a directory');
  if (st.isBlockDevice()) throw refuse('it is a block device');
  if (st.isSocket()) return openSocket(path, r.target);
  if (!st.isCharacterDevice() && !st.isFIFO()) throw refuse('it is neither a file, a FIFO nor a character device');
  return openThrough(path, r.target, st.isFIFO() ? 'fifo' : 'device', options, refuse);
}

/** Writes `data` to `path` by the same rule (small outputs: an image ID file, a blob). */
export async function writeOutputFile(path: string, data: string | Uint8Array, options: OpenOutputOptions = {}): Promise<void> {
  const out = await openOutputPath(path, options);
  try {
    out.stream.end(data);
    await out.commit();
  } catch (e) {
    await out.abort();
    throw e;
  }
}

/**
 * Resolves once the stream has flushed and closed its descriptor ('close' after 'finish'), rejects with
 * its error. The streams here own their FileHandle (autoClose), so a pipeline into them ends cleanly.
 */
function whenClosed(stream: Writable): Promise<void> {
  if (stream.errored) return Promise.reject(stream.errored);
  if (stream.closed) return stream.writableFinished ? Promise.resolve() : Promise.reject(new Error('the output closed early'));
  return new Promise((ok, fail) => {
    stream.once('error', fail);
    stream.once('close', () => (stream.writableFinished ? ok() : fail(stream.errored ?? new Error('the output closed early'))));
  });
}

/** Errors of writes through a descriptor carry no path: name the target. */
function namePathOnError(stream: Writable, target: string): void {
  stream.on('error', (e) => {
    if (isFsError(e) && e.path === undefined) e.path = target;
  });
}

async function openAtomic(path: string, target: string, existing: Stats | undefined, options: OpenOutputOptions): Promise<OutputPath> {
  const tmp = tempPathFor(target);
  const mode = existing ? existing.mode & 0o7777 : (options.mode ?? 0o644);
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(tmp, 'wx', mode);
    if (existing) await fh.chmod(mode).catch(() => undefined);
  } catch (e) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw fsError(e, { path: target, action: 'write', override: true });
  }
  // flush: the data is fsynced before the descriptor closes, so the rename below never names lost bytes
  const stream = createWriteStream('', { fd: fh, flush: true });
  namePathOnError(stream, target);
  const abort = async () => {
    stream.destroy();
    await whenClosed(stream).catch(() => undefined);
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
  };
  return {
    path,
    target,
    kind: 'file',
    stream,
    abort,
    async commit() {
      try {
        await whenClosed(stream);
        await fsp.rename(tmp, target);
        await fsyncDir(dirname(target));
      } catch (e) {
        await abort();
        throw fsError(e, { path: target, action: 'write', override: true });
      }
    },
  };
}

async function openThrough(
  path: string,
  target: string,
  kind: 'fifo' | 'device',
  options: OpenOutputOptions,
  refuse: (why: string) => Error,
): Promise<OutputPath> {
  let fh: fsp.FileHandle;
  try {
    // no O_TRUNC, no O_CREAT: a device or FIFO is written as it is (a FIFO's open waits for its reader)
    fh = await fsp.open(target, fsc.O_WRONLY | fsc.O_NOCTTY);
  } catch (e) {
    throw fsError(e, { path: target, action: 'open' });
  }
  if (!options.allowTerminal && isatty(fh.fd)) {
    await fh.close();
    throw refuse('it is a terminal');
  }
  const stream = createWriteStream('', { fd: fh });
  namePathOnError(stream, target);
  return {
    path,
    target,
    kind,
    stream,
    commit: () => whenClosed(stream),
    async abort() {
      stream.destroy();
      await whenClosed(stream).catch(() => undefined);
    },
  };
}

async function openSocket(path: string, target: string): Promise<OutputPath> {
  const socket: Socket = connect({ path: target });
  await new Promise<void>((ok, fail) => {
    socket.once('connect', ok);
    socket.once('error', (e) =>
      fail(
        storeError('OUTPUT_SOCKET_FAILED', `cannot write ${path}: connecting to the socket ${target} failed: ${e.message}`, { cause: e }),
      ),
    );
  });
  return {
    path,
    target,
    kind: 'socket',
    stream: socket,
    commit: () => whenClosed(socket),
    async abort() {
      socket.destroy();
    },
  };
}
