/** Small output and input helpers shared by the `hubctl hub` commands. */
import { open } from 'node:fs/promises';
import { HubctlError, usageError } from '../../../errors.js';
import { readStdin } from '../../read-stdin.js';
import type { CliRuntime } from '../../runtime.js';
import { withSpinner } from '../../spinner.js';
import { printList, renderTemplate, type Item, type View } from './print.js';

/** A HubList: its items page by page, the total the Hub reported, and whether more were left. */
interface PagedList extends AsyncIterable<unknown> {
  readonly total: number | undefined;
  readonly more: boolean;
}

/**
 * Fetches a Hub list (up to its limit) with a spinner counting the items on a terminal (a long list is
 * many pages), prints it in the chosen format, and notes on stderr when more exist.
 */
export async function showList(rt: CliRuntime, list: PagedList, format: string | undefined, view: View, what: string): Promise<void> {
  const items = await withSpinner(rt.out, `Listing ${what}`, async (spin) => {
    const got: unknown[] = [];
    for await (const item of list) {
      got.push(item);
      spin.update(`Listing ${what}: ${got.length}${list.total !== undefined ? ` of ${list.total}` : ''}`);
    }
    return got;
  });
  printList(rt, items as Item[], format, view);
  listNote(rt, items.length, list.total, list.more, what);
}

/** After a list cut at --limit: a note on stderr saying how to see the rest. */
export function listNote(rt: CliRuntime, shown: number, total: number | undefined, more: boolean, what: string): void {
  if (!more) return;
  const of = total !== undefined && total > shown ? ` of ${total}` : '';
  rt.out.info(`Showing ${shown}${of} ${what}: use --all, or --limit N, to see more`);
}

/**
 * `--format json` or a template for one object; true when printed. The default (`table`) is the
 * command's own record view, so false is returned for it.
 */
export function printOne(rt: CliRuntime, item: Item, format: string | undefined, fields: readonly string[]): boolean {
  const f = format?.trim() ?? '';
  if (f === '' || f === 'table') return false;
  const lines = f === 'json' ? [JSON.stringify(item)] : renderTemplate(f, [item], fields);
  for (const line of lines) rt.out.data(line);
  return true;
}

const MAX_README_BYTES = 1024 * 1024;
const tooLarge = () => usageError('README_TOO_LARGE', 'the README is larger than 1 MiB');

/** The text of `--readme FILE` (`-` = stdin), as UTF-8. Docker Hub's own length limit is checked by src/hub. */
export async function readme(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = file === '-' ? await readStdin(MAX_README_BYTES, tooLarge) : await readFileUpTo(file, MAX_README_BYTES + 1);
  } catch (e) {
    if (e instanceof HubctlError) throw e;
    const code = (e as { code?: string }).code;
    const hint = code === 'ENOENT' ? 'check the path' : code === 'EISDIR' ? 'name the Markdown file, not its directory' : undefined;
    throw usageError('README_UNREADABLE', `cannot read the README ${file === '-' ? 'from stdin' : file}: ${code ?? (e as Error).message}`, {
      ...(hint !== undefined ? { hint } : {}),
    });
  }
  if (bytes.length > MAX_README_BYTES) throw tooLarge();
  return bytes.toString('utf8');
}

/** Reads at most `max` bytes (so /dev/zero or a huge file cannot fill the memory). */
async function readFileUpTo(path: string, max: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(max);
    let n = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, n, max - n, null);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n >= max) break;
    }
    return buf.subarray(0, n);
  } finally {
    await fh.close();
  }
}
