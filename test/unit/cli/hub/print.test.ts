import { describe, expect, it } from 'vitest';
import { HubctlError } from '../../../../src/errors.js';
import { renderList, renderRecord, str, type View } from '../../../../src/cli/commands/hub/print.js';

const VIEW: View = {
  columns: [
    { header: 'NAME', value: (i) => `${str(i, 'namespace')}/${str(i, 'name')}` },
    { header: 'PRIVATE', value: (i) => str(i, 'is_private') },
  ],
  fields: ['name', 'namespace', 'is_private', 'description'],
};
const ITEMS = [
  { name: 'app', namespace: 'alice', is_private: true, description: 'line\nbreak', permissions: { read: true } },
  { name: 'web', namespace: 'alice', is_private: false, description: null },
];

describe('hub output', () => {
  it('table: header and aligned columns; a header even when empty', () => {
    expect(renderList(ITEMS, undefined, VIEW)).toEqual(['NAME        PRIVATE', 'alice/app   true', 'alice/web   false']);
    expect(renderList([], 'table', VIEW)).toEqual(['NAME      PRIVATE']);
  });

  it("json: one line per item with the API's fields", () => {
    expect(renderList(ITEMS, 'json', VIEW).map((l) => JSON.parse(l))).toEqual(ITEMS);
  });

  it('templates: API field names, nested values as JSON, the table prefix', () => {
    expect(renderList(ITEMS, '{{.name}} {{.description}} {{.permissions}}', VIEW)).toEqual(['app line\nbreak {"read":true}', 'web  ']);
    expect(renderList(ITEMS, 'table {{.name}}\\t{{.is_private}}', VIEW)).toEqual([
      'NAME      IS PRIVATE',
      'app       true',
      'web       false',
    ]);
    expect(renderList([], '{{json .}}', VIEW)).toEqual([]);
    expect(() => renderList([], '{{.nope}}', VIEW)).toThrow(HubctlError);
  });

  it('records for show', () => {
    expect(
      renderRecord([
        ['Name', 'alice/app'],
        ['Private', 'true'],
      ]),
    ).toEqual(['Name:    alice/app', 'Private: true']);
  });
});
