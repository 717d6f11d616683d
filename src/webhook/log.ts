/**
 * `--log FILE`: one JSON object per line for every delivery and every job outcome, appended (O_APPEND,
 * one write per line, so lines of concurrent writers never interleave). The file is created 0600. A path
 * that is not a regular file follows hubctl's output rule (src/fs/output-path.ts): a FIFO, a character
 * device, `/dev/stderr` or a socket is written through; a directory or a block device is refused.
 * Entries never hold the secret: callers log what they chose to, and URLs go through redactSecrets first.
 */
import { promises as fsp } from 'node:fs';
import type { Writable } from 'node:stream';
import { storeError } from '../errors.js';
import { openOutputPath } from '../fs/output-path.js';

export type LogEntry = Record<string, unknown>;

export interface EventLog {
  write(entry: LogEntry): void;
  /** Waits for every line written so far. */
  close(): Promise<void>;
}

/** Appends to `path` (created 0600), or writes through what is not a regular file (see above). */
export async function openEventLog(path: string, now: () => Date = () => new Date()): Promise<EventLog> {
  const st = await fsp.stat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw storeError('LOG_UNREADABLE', `cannot use ${path} as the log: ${e.message}`, { cause: e });
  });
  if (st && !st.isFile()) {
    const out = await openOutputPath(path, { what: 'the log', allowTerminal: true });
    const log = streamEventLog(out.stream, now);
    return {
      write: log.write,
      async close() {
        // this process's own stdout or stderr stays open
        if (out.kind === 'stdio') return;
        out.stream.end();
        await out.commit();
      },
    };
  }
  const fh = await fsp.open(path, 'a', 0o600).catch((e: NodeJS.ErrnoException) => {
    throw storeError('LOG_UNWRITABLE', `cannot open ${path} for appending: ${e.message}`, { cause: e });
  });
  let chain: Promise<unknown> = Promise.resolve();
  return {
    write(entry) {
      const line = `${JSON.stringify({ time: now().toISOString(), ...entry })}\n`;
      chain = chain.then(() => fh.write(line)).catch(() => undefined);
    },
    async close() {
      await chain;
      await fh.close();
    },
  };
}

/** JSON lines to a stream (stdout when no --log is given). */
export function streamEventLog(stream: Writable, now: () => Date = () => new Date()): EventLog {
  return {
    write(entry) {
      stream.write(`${JSON.stringify({ time: now().toISOString(), ...entry })}\n`);
    },
    async close() {},
  };
}
