/**
 * The command tree as completion scripts and the man page need it, read from commander: each command
 * path with its subcommands (and aliases), its flags (which take a value, and that value's choices)
 * and the choices of its arguments. Hidden commands and options are left out.
 */
import type { Command } from 'commander';

export interface FlagInfo {
  /** `-q`, `--quiet` (commander's short and long forms). */
  names: string[];
  /** `<n>` etc.: the flag takes a value. */
  valueName?: string;
  choices?: readonly string[];
  description: string;
  defaultValue?: string;
}

export interface CommandInfo {
  /** `['hubctl']`, `['hubctl', 'hub', 'repo']`. */
  path: string[];
  aliases: string[];
  description: string;
  usage: string;
  arguments: { name: string; required: boolean; variadic: boolean; description: string; choices?: readonly string[] }[];
  flags: FlagInfo[];
  subcommands: CommandInfo[];
}

type HiddenAware = { _hidden?: boolean; hidden?: boolean };

function flagInfo(o: Command['options'][number]): FlagInfo {
  const names = [o.short, o.long].filter((n): n is string => typeof n === 'string');
  const info: FlagInfo = { names, description: o.description };
  const value = /[<[][^>\]]*[>\]]/.exec(o.flags)?.[0];
  if (value !== undefined && (o.required || o.optional)) info.valueName = value;
  if (o.argChoices) info.choices = o.argChoices;
  if (
    o.defaultValue !== undefined &&
    typeof o.defaultValue !== 'boolean' &&
    !(Array.isArray(o.defaultValue) && o.defaultValue.length === 0)
  ) {
    info.defaultValue = String(o.defaultValue);
  }
  return info;
}

/** The tree under `cmd` (the program when called from outside). */
export function describeCommand(cmd: Command, parents: string[] = []): CommandInfo {
  const path = [...parents, cmd.name()];
  const flags = cmd.options.filter((o) => !o.hidden).map(flagInfo);
  // commander adds -h/--help to every command; it is not in cmd.options
  flags.push({ names: ['-h', '--help'], description: 'display help for command' });
  const subcommands = cmd.commands.filter((c) => !(c as unknown as HiddenAware)._hidden).map((c) => describeCommand(c, path));
  if (subcommands.length > 0) {
    // commander's implicit `help [command]`
    subcommands.push({
      path: [...path, 'help'],
      aliases: [],
      description: 'display help for command',
      usage: '[command]',
      arguments: [
        { name: 'command', required: false, variadic: false, description: '', choices: subcommands.map((c) => c.path.at(-1) ?? '') },
      ],
      flags: [],
      subcommands: [],
    });
  }
  return {
    path,
    aliases: cmd.aliases(),
    description: cmd.description(),
    usage: cmd.usage(),
    arguments: cmd.registeredArguments.map((a) => ({
      name: a.name(),
      required: a.required,
      variadic: a.variadic,
      description: a.description,
      ...(a.argChoices ? { choices: a.argChoices } : {}),
    })),
    flags,
    subcommands,
  };
}

/** Every command of the tree, depth first, the program first. */
export function allCommands(root: CommandInfo): CommandInfo[] {
  return [root, ...root.subcommands.flatMap(allCommands)];
}
