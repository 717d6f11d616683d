/**
 * The tree flattened into the lookup tables every shell script uses, keyed by command path
 * (`hubctl`, `hubctl hub repo`): subcommand words (aliases too), flags, flags that take a value, the
 * canonical name of each alias, and the choices of a flag's value (`PATH|--flag`) or of the command's
 * first argument (`PATH|#`).
 */
import { allCommands, type CommandInfo } from './model.js';

export interface CompletionTables {
  subs: Map<string, string[]>;
  flags: Map<string, string[]>;
  valueFlags: Map<string, string[]>;
  canon: Map<string, string>;
  choices: Map<string, readonly string[]>;
  descriptions: Map<string, string>;
}

export function completionTables(root: CommandInfo): CompletionTables {
  const t: CompletionTables = {
    subs: new Map(),
    flags: new Map(),
    valueFlags: new Map(),
    canon: new Map(),
    choices: new Map(),
    descriptions: new Map(),
  };
  for (const c of allCommands(root)) {
    const key = c.path.join(' ');
    t.descriptions.set(key, c.description);
    t.subs.set(
      key,
      c.subcommands.flatMap((s) => [s.path.at(-1) ?? '', ...s.aliases]),
    );
    for (const s of c.subcommands) for (const a of s.aliases) t.canon.set(`${key} ${a}`, s.path.at(-1) ?? '');
    t.flags.set(
      key,
      c.flags.flatMap((f) => f.names),
    );
    t.valueFlags.set(
      key,
      c.flags.filter((f) => f.valueName !== undefined).flatMap((f) => f.names),
    );
    for (const f of c.flags) if (f.choices) for (const n of f.names) t.choices.set(`${key}|${n}`, f.choices);
    const first = c.arguments[0];
    if (first?.choices) t.choices.set(`${key}|#`, first.choices);
  }
  return t;
}

/** A word list as a single-quoted shell string (completion words never hold a quote). */
export function shellWords(words: readonly string[]): string {
  return `'${words.join(' ').replace(/'/g, '')}'`;
}
