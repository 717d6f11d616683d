/**
 * Colour for people's lines on stderr, with chalk: `Error:` red, `WARNING:` yellow, `hint:` cyan, and
 * docker's status words (`Status:`, `Successfully built`, `Login Succeeded`...) green.
 * When: FORCE_COLOR forces it (1, 2, 3 or empty/true = basic colours) and FORCE_COLOR=0 (or false)
 * turns it off, as in Node itself, whose FORCE_COLOR also wins over NO_COLOR; otherwise NO_COLOR
 * (set and not empty) turns it off; otherwise stderr must be a terminal and TERM not `dumb`.
 * chalk is imported only when there is colour to paint.
 */
export type ColorLevel = 0 | 1 | 2 | 3;

export function colorLevel(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): ColorLevel {
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2' || force === '3') return Number(force) as ColorLevel;
    return 1;
  }
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (!isTTY || env.TERM === 'dumb') return 0;
  return env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit' ? 3 : /-256(color)?$/.test(env.TERM ?? '') ? 2 : 1;
}

export interface Styles {
  readonly enabled: boolean;
  error(s: string): string;
  warning(s: string): string;
  hint(s: string): string;
  ok(s: string): string;
}

const same = (s: string) => s;
export const PLAIN: Styles = { enabled: false, error: same, warning: same, hint: same, ok: same };

export async function loadStyles(level: ColorLevel): Promise<Styles> {
  if (level === 0) return PLAIN;
  const { Chalk } = await import('chalk');
  const c = new Chalk({ level });
  return { enabled: true, error: c.red.bold, warning: c.yellow.bold, hint: c.cyan, ok: c.green };
}

const PREFIXES: [RegExp, keyof Omit<Styles, 'enabled'>][] = [
  [/^Error:/, 'error'],
  [/^WARNING[:!]/, 'warning'],
  [/^hint:/, 'hint'],
  [/^(Status:|Successfully (built|tagged)|Login Succeeded|Loaded image:|Untagged:|Deleted:)/, 'ok'],
];

/** A line with its leading marker painted (the rest is left as it is). */
export function paintLine(line: string, styles: Styles): string {
  if (!styles.enabled) return line;
  for (const [re, style] of PREFIXES) {
    const m = re.exec(line);
    if (m) return styles[style](m[0]) + line.slice(m[0].length);
  }
  return line;
}
