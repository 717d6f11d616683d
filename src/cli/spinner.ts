/**
 * A spinner on stderr for waits that have no progress bar (login verification, search pages, the
 * store lock, and whatever a command hands it: Hub list pages, buildah start-up). Only on an
 * interactive terminal (`out.interactive`: never when stderr is a file or pipe, TERM=dumb or CI), never
 * on stdout, never on a terminal without a width, and only for a wait that lasts: it appears after SHOW_AFTER_MS, so a quick answer
 * prints nothing. ora is imported only then.
 *
 *   const spin = startSpinner(rt.out, 'Verifying credentials');
 *   try { await work(); } finally { spin.stop(); }
 */
import type { Output } from './output.js';

export const SHOW_AFTER_MS = 150;

export interface Spinner {
  /** Changes the text (shown at the next frame). */
  update(text: string): void;
  /** Removes the spinner line; later calls do nothing. */
  stop(): void;
}

const NONE: Spinner = { update: () => undefined, stop: () => undefined };

interface OraLike {
  text: string;
  start(): OraLike;
  stop(): OraLike;
}

export function startSpinner(out: Output, text: string, options: { quiet?: boolean } = {}): Spinner {
  // a terminal of unknown width (a pty nobody sized): ora would count its line as Infinity rows
  if (!out.interactive || options.quiet || !((out.stderr.columns ?? 0) > 0)) return NONE;
  let current = text;
  let stopped = false;
  let ora: OraLike | undefined;
  const timer = setTimeout(() => {
    import('ora').then(
      ({ default: create }) => {
        if (stopped) return;
        ora = create({
          text: current,
          stream: out.stderr,
          discardStdin: false,
          color: out.color ? 'cyan' : false,
          isEnabled: true,
        }).start();
      },
      () => undefined, // a spinner is never worth failing a command for
    );
  }, SHOW_AFTER_MS);
  timer.unref();
  return {
    update(t) {
      current = t;
      if (ora) ora.text = t;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      ora?.stop();
    },
  };
}

/** A spinner for the time `work` takes. */
export async function withSpinner<T>(
  out: Output,
  text: string,
  work: (spin: Spinner) => Promise<T>,
  options: { quiet?: boolean } = {},
): Promise<T> {
  const spin = startSpinner(out, text, options);
  try {
    return await work(spin);
  } finally {
    spin.stop();
  }
}
