import type { Output } from './output.js';

export interface GlobalOptions {
  debug?: boolean;
  config?: string;
  /** The image store directory (--root). */
  root?: string;
  /** Docker Hub's API for `hubctl hub` (--hub-url). */
  hubUrl?: string;
}

/** What every command gets from main: output, the interrupt signal, global flags, the environment. */
export interface CliRuntime {
  out: Output;
  signal: AbortSignal;
  globals: () => GlobalOptions;
  env: NodeJS.ProcessEnv;
  /**
   * For commands that stop gracefully (servers, watch loops): SIGINT/SIGTERM/SIGHUP call `onSignal` (with how
   * many have arrived) instead of aborting `signal`; from the second one on, the process still exits
   * at once with 130 after `onSignal` returns.
   */
  takeOverInterrupts(onSignal: (signal: NodeJS.Signals, count: number) => void): void;
}
