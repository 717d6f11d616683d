import { HubctlError, storeError } from '../errors.js';

/**
 * The one place that turns Node's filesystem errors (ENOSPC, EACCES, EROFS, ELOOP, EMFILE...) into the
 * local-filesystem error users see: exit 7, the path, and the cause in words. Used by the CLI for any
 * such error that reaches it, and by the few places whose errors lose the path (writes through a file
 * descriptor) to say which file it was.
 */

/** Causes in words, and what to do about them. */
const CAUSES: Record<string, { why: string; hint?: string }> = {
  ENOSPC: {
    why: 'no space left on device',
    hint: 'free some space on that filesystem (or point hubctl elsewhere), then run the command again',
  },
  EDQUOT: { why: 'disk quota exceeded', hint: 'free some space within your quota, then run the command again' },
  EROFS: { why: 'read-only file system', hint: 'use a writable location (for the image store: --root DIR or HUBCTL_STORE)' },
  EACCES: { why: 'permission denied', hint: 'check the owner and mode of the path and its directories' },
  EPERM: { why: 'operation not permitted', hint: 'check the owner and mode of the path and its directories' },
  ELOOP: { why: 'too many levels of symbolic links', hint: 'fix the symbolic link loop' },
  EMFILE: { why: 'too many open files in this process', hint: 'raise the limit (ulimit -n) or lower the concurrency' },
  ENFILE: { why: 'too many open files on this system', hint: 'close other programs or raise the system limit (fs.file-max)' },
  ENOTDIR: { why: 'a part of the path is not a directory', hint: 'a file stands where a directory is expected; move it away' },
  EISDIR: { why: 'it is a directory', hint: 'give the path of a file' },
  ENOENT: { why: 'no such file or directory' },
  ENAMETOOLONG: { why: 'the name is too long' },
  EIO: { why: 'input/output error', hint: 'the disk or filesystem reported an error; check it (dmesg)' },
  EFBIG: { why: 'the file is too large for this filesystem' },
  ETXTBSY: { why: 'the file is busy' },
  EBUSY: { why: 'the device or resource is busy' },
  EEXIST: { why: 'it already exists' },
  ENOTEMPTY: { why: 'the directory is not empty' },
  EXDEV: { why: 'it is on another filesystem' },
  ENXIO: { why: 'no reader or device behind it' },
};

/** System calls that change the filesystem: their failures are "cannot write". */
const WRITE_CALLS = new Set([
  'write',
  'writev',
  'rename',
  'mkdir',
  'mkdtemp',
  'unlink',
  'rmdir',
  'rm',
  'link',
  'symlink',
  'copyfile',
  'ftruncate',
  'truncate',
  'fsync',
  'fdatasync',
  'utime',
  'futime',
  'chmod',
  'fchmod',
  'chown',
  'fchown',
]);

export type FsAction = 'read' | 'write' | 'open' | 'create';

export interface FsErrorContext {
  /** The path to name when the error does not carry one (writes through a descriptor lose it). */
  path?: string;
  /** What was being done; inferred from the error's system call when absent. */
  action?: FsAction;
  /** Name `path` even when the error carries its own (a temp file's name would only confuse). */
  override?: boolean;
}

/** True for an error from a filesystem system call (it has an errno code and a syscall). */
export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  if (!(e instanceof Error)) return false;
  const err = e as NodeJS.ErrnoException;
  // Only the codes above: ECONNRESET or EPIPE from a socket also carry a syscall (read, write) but are
  // the network's business; a helper that is not installed fails with ENOENT from spawn.
  return (
    typeof err.code === 'string' && Object.hasOwn(CAUSES, err.code) && typeof err.syscall === 'string' && !err.syscall.startsWith('spawn')
  );
}

/** The cause of a filesystem error in words (`no space left on device`). */
export function fsCause(e: NodeJS.ErrnoException): string {
  const code = e.code ?? '';
  return CAUSES[code]?.why ?? e.message.replace(/^[A-Z]+: /, '').replace(/, [a-z]+ .*$/, '');
}

function verbOf(e: NodeJS.ErrnoException, action: FsAction | undefined): string {
  const a = action ?? (e.syscall !== undefined && WRITE_CALLS.has(e.syscall) ? 'write' : e.syscall === 'open' ? 'open' : 'read');
  return a === 'create' ? 'create' : a;
}

/**
 * A local filesystem error as a HubctlError of kind 'store' (exit 7): `cannot write /x: no space left
 * on device`, naming the error's own path (or `ctx.path`), with a hint by cause. A HubctlError is
 * returned as it is; anything that is not a filesystem error too.
 */
export function fsError(e: unknown, ctx: FsErrorContext = {}): unknown {
  if (e instanceof HubctlError || !isFsError(e)) return e;
  const path = ctx.override && ctx.path !== undefined ? ctx.path : (e.path ?? ctx.path);
  const code = e.code ?? 'EIO';
  const where = path !== undefined ? ` ${path}` : '';
  const dest0 = (e as { dest?: unknown }).dest;
  const dest = typeof dest0 === 'string' && code !== 'ENOSPC' ? ` (to ${dest0})` : '';
  const hint = CAUSES[code]?.hint;
  return storeError(`FS_${code}`, `cannot ${verbOf(e, ctx.action)}${where}${dest}: ${fsCause(e)}`, {
    ...(hint ? { hint } : {}),
    cause: e,
    details: { path, errno: code, syscall: e.syscall },
  });
}

/** Runs `fn`, turning filesystem errors into store errors naming `path` when they do not name one. */
export async function withFsContext<T>(ctx: FsErrorContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw fsError(e, ctx);
  }
}
