/** Where the CLI writes: data to stdout, people to stderr. The only place that knows about TTYs and colour. */
export interface Output {
  /** A line of data for stdout. */
  data(line: string): void;
  /** A line for people on stderr. */
  info(line: string): void;
  warn(line: string): void;
  /** stderr is an interactive terminal: progress bars and colour are allowed. */
  readonly interactive: boolean;
  readonly color: boolean;
  readonly stderr: NodeJS.WriteStream;
}

export function createOutput(env: NodeJS.ProcessEnv = process.env): Output {
  const interactive = Boolean(process.stderr.isTTY) && env.TERM !== 'dumb' && env.CI !== 'true';
  const color = interactive && env.NO_COLOR === undefined;
  return {
    interactive,
    color,
    stderr: process.stderr,
    data: (line) => void process.stdout.write(`${line}\n`),
    info: (line) => void process.stderr.write(`${line}\n`),
    warn: (line) => void process.stderr.write(`${color ? '\u001b[33mWARNING:\u001b[0m' : 'WARNING:'} ${line}\n`),
  };
}
