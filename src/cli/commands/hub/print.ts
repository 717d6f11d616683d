/**
 * How `hubctl hub` prints what the Hub API answered:
 * - default (`table`): chosen columns with docker's tabwriter layout, a header row even when empty;
 * - `json`: each item as one JSON line, the API's own object and field names;
 * - a Go template (docker's `table ` prefix adds a header and aligns columns) over the same fields: every
 *   top-level field of the API object is a template field; scalars print as text, null as nothing, and
 *   nested objects and lists as JSON (`{{.permissions}}`); `{{json .}}` is the whole object.
 */
import { usageError } from '../../../errors.js';
import { alignColumns } from '../../../format/tabwriter.js';
import { Template, type TemplateObject } from '../../../format/template.js';
import { cleanText, ellipsis } from '../../../format/width.js';
import type { CliRuntime } from '../../runtime.js';

export type Item = Readonly<Record<string, unknown>>;

export interface Column {
  header: string;
  value: (item: Item) => string;
}

export interface View {
  /** Table columns of the default output. */
  columns: readonly Column[];
  /** Field names templates may use even when no item has them (the documented schema's properties). */
  fields: readonly string[];
}

/** Prints a list in the chosen format on stdout. */
export function printList(rt: CliRuntime, items: readonly Item[], format: string | undefined, view: View): void {
  for (const line of renderList(items, format, view)) rt.out.data(line);
}

export function renderList(items: readonly Item[], format: string | undefined, view: View): string[] {
  const f = format?.trim() ?? '';
  if (f === 'json') return items.map((i) => JSON.stringify(i));
  if (f === '' || f === 'table') {
    const rows = [view.columns.map((c) => c.header), ...items.map((i) => view.columns.map((c) => cleanText(c.value(i))))];
    return alignColumns(rows.map((r) => r.join('\t')).join('\n')).split('\n');
  }
  return renderTemplate(f, items, view.fields);
}

/** `--format TEMPLATE` (with or without docker's `table` prefix) over API objects. */
export function renderTemplate(format: string, items: readonly Item[], declared: readonly string[]): string[] {
  const table = format.startsWith('table');
  const source = (table ? format.slice('table'.length) : format)
    .replace(/^ +| +$/g, '')
    .replace(/\\t/g, '\t')
    .replace(/\\n/g, '\n');
  if (source.length > 4096) throw usageError('INVALID_FORMAT', 'the --format template is longer than 4096 characters');
  const fields = [...new Set([...declared, ...items.flatMap((i) => Object.keys(i))])].filter((k) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k));
  const template = Template.compile(source, { fields });
  const lines = items.map((i) => template.render(dot(i)));
  if (!table) return lines;
  const header = template.render(dot(Object.fromEntries(fields.map((k) => [k, k.replace(/_/g, ' ').toUpperCase()]))), true);
  return alignColumns([header, ...lines].join('\n')).split('\n');
}

function dot(item: Item): TemplateObject {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(item)) fields[k] = text(v);
  return { kind: 'object', fields, json: item };
}

/** A field as template text: strings as they are, null/undefined as nothing, objects as JSON. */
export function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** A string field for a table cell ('' when absent). */
export const str = (item: Item, key: string): string => text(item[key]);

/** A description cut to docker search's 45 columns. */
export const short = (item: Item, key: string, width = 45): string => ellipsis(cleanText(text(item[key])), width);

/** A vertical `Field:  value` listing for `show` commands (the default format of one object). */
export function renderRecord(pairs: readonly (readonly [string, string])[]): string[] {
  return alignColumns(pairs.map(([k, v]) => `${k}:\t${cleanText(v)}`).join('\n'), { minWidth: 0, padding: 1 }).split('\n');
}
