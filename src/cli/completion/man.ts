/**
 * hubctl(1) in roff, generated from the same tree as the completion scripts: every command with its
 * usage, arguments and flags, then what the README says about exit codes, environment and files.
 * `npm run build` writes it to man/hubctl.1, which the package ships (package.json "man").
 */
import { MAN_SECTIONS } from './man-text.js';
import { allCommands, type CommandInfo, type FlagInfo } from './model.js';

/** Text safe in roff: backslashes escaped, no line starting with a control character. */
function esc(s: string): string {
  return s
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/^([.'])/gm, '\\&$1');
}

function flagItem(f: FlagInfo): string {
  const names = f.names.map((n) => `\\fB${esc(n)}\\fR`).join(', ');
  const value = f.valueName ? ` \\fI${esc(f.valueName)}\\fR` : '';
  const extra = [f.choices ? `one of: ${f.choices.join(', ')}` : '', f.defaultValue !== undefined ? `default: ${f.defaultValue}` : '']
    .filter(Boolean)
    .join('; ');
  return `.TP\n${names}${value}\n${esc(f.description)}${extra ? ` (${esc(extra)})` : ''}`;
}

function commandSection(c: CommandInfo): string {
  const name = c.path.slice(1).join(' ');
  const out = [`.SS "${esc(name)}${c.aliases.length ? ` (alias: ${esc(c.aliases.join(', '))})` : ''}"`];
  out.push(`.B hubctl ${esc(name)}`, `${esc(c.usage)}`, '.PP', esc(c.description));
  for (const a of c.arguments.filter((x) => x.description)) {
    out.push(`.TP\n\\fI${esc(a.name)}\\fR${a.variadic ? '...' : ''}\n${esc(a.description)}`);
  }
  for (const f of c.flags.filter((x) => x.names[1] !== '--help')) out.push(flagItem(f));
  return out.join('\n');
}

/** hubctl(1) for the tree; the sections after COMMANDS come from man-text.ts. */
export function manPage(root: CommandInfo, version: string, sections: [string, string[]][] = MAN_SECTIONS): string {
  const commands = allCommands(root).filter((c) => c.path.length > 1 && c.path.at(-1) !== 'help');
  const out = [
    `.TH HUBCTL 1 "" "hubctl ${esc(version)}" "User Commands"`,
    '.SH NAME',
    `hubctl \\- ${esc(root.description)}`,
    '.SH SYNOPSIS',
    '.B hubctl',
    '[\\fIGLOBAL FLAGS\\fR] \\fICOMMAND\\fR [\\fIFLAGS\\fR] [\\fIARGUMENTS\\fR]',
    '.SH DESCRIPTION',
    esc(
      'hubctl pulls, pushes, builds, tags and saves container images on Docker Hub and any registry that speaks the OCI distribution API, keeping images in a local OCI image layout. No daemon is needed. Data goes to standard output; messages for people go to standard error.',
    ),
    '.SH GLOBAL FLAGS',
    ...root.flags.map(flagItem),
    '.SH COMMANDS',
    ...commands.map(commandSection),
  ];
  for (const [title, paragraphs] of sections) {
    out.push(`.SH ${esc(title.toUpperCase())}`);
    paragraphs.forEach((p, i) => {
      if (i > 0) out.push('.PP');
      out.push(esc(p));
    });
  }
  return `${out.join('\n')}\n`;
}
