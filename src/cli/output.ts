/** Where the CLI writes: data to stdout, people to stderr. The only place that knows about TTYs and colour. */
import { colorLevel, loadStyles, PLAIN, paintLine, type Styles } from './colors.js';

export interface Output {
  /** A line of data for stdout. */
  data(line: string): void;
  /** A line for people on stderr (`Error:`, `hint:` and status words coloured when colour is on). */
  info(line: string): void;
  warn(line: string): void;
  /** stderr is an interactive terminal: progress bars and spinners are allowed. */
  readonly interactive: boolean;
  /** Colour is on (see colors.ts for when). */
  readonly color: boolean;
  /** Paints text for stderr (identity when colour is off): for lines a command draws itself. */
  readonly styles: Styles;
  readonly stderr: NodeJS.WriteStream;
}

export function createOutput(env: NodeJS.ProcessEnv = process.env, styles: Styles = PLAIN): Output {
  const interactive = Boolean(process.stderr.isTTY) && env.TERM !== 'dumb' && env.CI !== 'true';
  return {
    interactive,
    color: styles.enabled,
    styles,
    stderr: process.stderr,
    data: (line) => void process.stdout.write(`${line}\n`),
    info: (line) => void process.stderr.write(`${paintLine(line, styles)}\n`),
    warn: (line) => void process.stderr.write(`${styles.warning('WARNING:')} ${line}\n`),
  };
}

/** The output of one CLI run: chalk is loaded only when colour is on. */
export async function createCliOutput(env: NodeJS.ProcessEnv = process.env): Promise<Output> {
  return createOutput(env, await loadStyles(colorLevel(env, Boolean(process.stderr.isTTY))));
}
