import { constants as fsc, closeSync, fstatSync, openSync, promises as fsp, readFileSync, statSync, type Stats } from 'node:fs';
import { storeError } from '../errors.js';
import { fsError } from './fs-errors.js';

/**
 * Reading a configuration file (docker's config.json, containers' auth.json, hubctl's preferences, a
 * CA bundle): it must be a regular file. A symlink to /dev/zero once made hubctl read 600 MB, and a
 * FIFO hung it so that even SIGTERM could not end it. The path is stat()ed (symlinks followed, nothing
 * opened) and refused unless it is a regular file no larger than the limit; it is then opened with
 * O_NONBLOCK (a FIFO swapped in meanwhile cannot block the open) and checked again with fstat() before
 * a byte is read.
 */
export interface ReadRegularOptions {
  /** What the file is, for messages (`docker config file`). */
  what: string;
  /** Refuse files larger than this. */
  maxBytes: number;
  /** What to do about a refused file (default: replace it with a regular file). */
  hint?: string;
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function check(path: string, st: Stats, o: ReadRegularOptions): void {
  if (!st.isFile()) {
    const kind = kindOf(st);
    throw storeError(
      'NOT_A_REGULAR_FILE',
      `the ${o.what} ${path} is ${kind === 'not a regular file' ? kind : `${kind}, not a regular file`}`,
      {
        hint: o.hint ?? `replace ${path} with a regular file (hubctl reads nothing else there)`,
        details: { path },
      },
    );
  }
  if (st.size > o.maxBytes) throw tooLarge(path, o);
}

function tooLarge(path: string, o: ReadRegularOptions) {
  return storeError('FILE_TOO_LARGE', `the ${o.what} ${path} is larger than ${o.maxBytes} bytes`, {
    hint: `check ${path}: a ${o.what} is small`,
    details: { path },
  });
}

const absent = (e: unknown) => {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

const OPEN_FLAGS = fsc.O_RDONLY | fsc.O_NONBLOCK | fsc.O_NOCTTY;

/** The file's bytes; undefined when it does not exist. Refuses anything but a regular file (see above). */
export async function readRegularFile(path: string, o: ReadRegularOptions): Promise<Buffer | undefined> {
  let st: Stats;
  try {
    st = await fsp.stat(path);
  } catch (e) {
    if (absent(e)) return undefined;
    throw fsError(e, { path, action: 'read' });
  }
  check(path, st, o);
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(path, OPEN_FLAGS);
  } catch (e) {
    if (absent(e)) return undefined;
    throw fsError(e, { path, action: 'read' });
  }
  try {
    check(path, await fh.stat(), o);
    const data = await fh.readFile();
    if (data.length > o.maxBytes) throw tooLarge(path, o);
    return data;
  } catch (e) {
    throw fsError(e, { path, action: 'read' });
  } finally {
    await fh.close();
  }
}

/** readRegularFile for the synchronous callers (the TLS setup of a registry connection). */
export function readRegularFileSync(path: string, o: ReadRegularOptions): Buffer | undefined {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    if (absent(e)) return undefined;
    throw fsError(e, { path, action: 'read' });
  }
  check(path, st, o);
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (e) {
    if (absent(e)) return undefined;
    throw fsError(e, { path, action: 'read' });
  }
  try {
    check(path, fstatSync(fd), o);
    const data = readFileSync(fd);
    if (data.length > o.maxBytes) throw tooLarge(path, o);
    return data;
  } catch (e) {
    throw fsError(e, { path, action: 'read' });
  } finally {
    closeSync(fd);
  }
}

/** Throws unless `path` is absent or a regular file (for files another library reads: conf). */
export function assertRegularOrAbsent(path: string, o: ReadRegularOptions): void {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    if (absent(e)) return;
    throw fsError(e, { path, action: 'read' });
  }
  check(path, st, o);
}
