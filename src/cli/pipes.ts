/**
 * A closed pipe on stdout (`hubctl images | head -1`) is not an error to report: the reader has what
 * it wanted. hubctl stops its work and exits quietly with 141, what a shell reports for a program ended
 * by SIGPIPE (docker, git and most Unix tools end that way), so `set -o pipefail` scripts can tell a
 * cut-short output from a complete one. Errors on stderr (a terminal that went away with SIGHUP: EIO,
 * EPIPE) are ignored: there is no one left to tell.
 */
export const EXIT_BROKEN_PIPE = 141;

export interface PipeWatch {
  /** stdout's reader went away. */
  readonly broken: boolean;
}

/** Listens for EPIPE (and any other write error) on stdout; `onBroken` runs once. */
export function watchStdio(
  onBroken: () => void,
  stdout: NodeJS.WriteStream = process.stdout,
  stderr: NodeJS.WriteStream = process.stderr,
): PipeWatch {
  const watch = { broken: false };
  stdout.on('error', () => {
    if (watch.broken) return;
    // EPIPE, or ERR_STREAM_DESTROYED for writes after it: either way nobody reads stdout any more
    watch.broken = true;
    onBroken();
  });
  stderr.on('error', () => undefined);
  return watch;
}

/** True for an error that only says stdout's reader went away. */
export function isBrokenPipe(e: unknown): boolean {
  for (let cur = e, depth = 0; cur && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED') return true;
  }
  return false;
}
