import { Template } from '../format/template.js';
import { alignColumns } from '../format/tabwriter.js';

/**
 * Renders rows of string fields with a docker-style Go template. A `table ` prefix adds a header row
 * (the field names upper-cased) and aligns `\t`-separated columns.
 */
export function renderTemplateRows(format: string, rows: readonly Record<string, string>[], fields: readonly string[]): string[] {
  const isTable = format.startsWith('table ');
  const source = (isTable ? format.slice(6) : format).replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const template = Template.compile(source, { fields });
  const dot = (r: Record<string, string>) => ({ kind: 'object' as const, fields: r, json: r });
  const lines = rows.map((r) => template.render(dot(r)));
  if (!isTable) return lines;
  const header = template.render(dot(Object.fromEntries(fields.map((f) => [f, headerName(f)]))), true);
  return alignColumns([header, ...lines].join('\n')).split('\n');
}

function headerName(field: string): string {
  return field.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}
