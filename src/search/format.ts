import { usageError } from '../errors.js';
import { alignColumns } from '../format/tabwriter.js';
import { Template, type TemplateObject } from '../format/template.js';
import type { SearchResult } from './types.js';
import { cleanText, ellipsis } from '../format/width.js';

/** Fields `--format` templates can use, as docker names them. */
export const SEARCH_FIELDS = ['Name', 'Description', 'StarCount', 'IsOfficial', 'IsAutomated'] as const;

/** Table headers (docker's SubHeaderContext for search). */
export const SEARCH_HEADERS: Readonly<Record<(typeof SEARCH_FIELDS)[number], string>> = {
  Name: 'NAME',
  Description: 'DESCRIPTION',
  StarCount: 'STARS',
  IsOfficial: 'OFFICIAL',
  IsAutomated: 'AUTOMATED',
};

/** docker's default search table. */
export const DEFAULT_SEARCH_FORMAT = 'table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}';
/** Descriptions are cut to this many columns unless `--no-trunc` (docker: formatter.Ellipsis(desc, 45)). */
export const DESCRIPTION_WIDTH = 45;

export interface FormatOptions {
  /** `--format`: empty or `table` (default table), `json`, `table TEMPLATE` or `TEMPLATE`. */
  format?: string;
  noTrunc?: boolean;
}

export interface CompiledSearchFormat {
  table: boolean;
  template: Template;
}

/**
 * Compiles a `--format` value the way docker's formatter.Context prepares it: `table` prefix stripped,
 * `json` meaning `{{json .}}`, surrounding spaces trimmed, and the two-character escapes `\t` and `\n`
 * turned into a tab and a newline. Throws a usage error naming an unknown field or function.
 */
export function compileSearchFormat(format = ''): CompiledSearchFormat {
  let source = format === '' || format === 'table' ? DEFAULT_SEARCH_FORMAT : format;
  let table = false;
  if (source.startsWith('table')) {
    table = true;
    source = source.slice('table'.length);
  } else if (source === 'json') {
    source = '{{json .}}';
  }
  source = source
    .replace(/^ +| +$/g, '')
    .replace(/\\t/g, '\t')
    .replace(/\\n/g, '\n');
  if (source.length > 4096) throw usageError('INVALID_FORMAT', 'the --format template is longer than 4096 characters');
  return { table, template: Template.compile(source, { fields: SEARCH_FIELDS }) };
}

/** The dot a template sees for one result, as docker's searchContext exposes it. */
export function resultContext(result: SearchResult, noTrunc = false): TemplateObject {
  let description = cleanText(result.description);
  if (!noTrunc) description = ellipsis(description, DESCRIPTION_WIDTH);
  const name = cleanText(result.name);
  const stars = String(result.starCount);
  return {
    kind: 'object',
    fields: {
      Name: name,
      Description: description,
      StarCount: stars,
      IsOfficial: result.isOfficial ? '[OK]' : '',
      IsAutomated: result.isAutomated ? '[OK]' : '',
    },
    // docker marshals the context's methods: sorted keys, every value a string
    json: {
      Description: description,
      IsAutomated: String(result.isAutomated),
      IsOfficial: String(result.isOfficial),
      Name: name,
      StarCount: stars,
    },
  };
}

const HEADER_CONTEXT: TemplateObject = { kind: 'object', fields: SEARCH_HEADERS, json: {} };

/**
 * Renders results for stdout, one string per output line (no newline characters at the ends).
 * A table always has its header row, also with no results (as docker); other formats print one
 * rendering per result.
 */
export function formatSearchResults(results: readonly SearchResult[], options: FormatOptions = {}): string[] {
  const compiled = compileSearchFormat(options.format ?? '');
  return renderCompiled(compiled, results, options.noTrunc ?? false);
}

export function renderCompiled(compiled: CompiledSearchFormat, results: readonly SearchResult[], noTrunc: boolean): string[] {
  let text = '';
  for (const r of results) text += `${compiled.template.render(resultContext(r, noTrunc))}\n`;
  if (compiled.table) {
    text = alignColumns(`${compiled.template.render(HEADER_CONTEXT, true)}\n${text}`);
  }
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
