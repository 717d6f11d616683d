import { describe, expect, it } from 'vitest';
import { Template, templateValue, type TemplateObject } from '../../../src/format/template.js';

const dot = templateValue({
  Id: 'sha256:1',
  Size: 42,
  Config: { Env: ['A=1', 'B=2'], Labels: { x: 'y' }, Entrypoint: null },
  Tags: ['a', 'b'],
});
const render = (src: string) =>
  Template.compile(src, { fields: ['Id', 'Size', 'Config', 'Tags'], nested: ['Config'] }).render(dot as TemplateObject);

describe('templates over nested values', () => {
  it('walks into objects, prints lists Go-style and numbers plainly', () => {
    expect(render('{{.Id}} {{.Size}} {{.Config.Env}} {{.Tags}}')).toBe('sha256:1 42 [A=1 B=2] [a b]');
    expect(render('{{json .Config.Labels}} {{json .Config.Entrypoint}} {{join .Config.Env ","}}')).toBe('{"x":"y"} null A=1,B=2');
  });

  it('a field of null is null; an unknown nested field fails when rendered; only nested fields may be walked', () => {
    expect(render('{{json .Config.Entrypoint.X}}')).toBe('null');
    expect(() => render('{{.Config.Nope}}')).toThrow(/can't evaluate field Nope in \.Config\.Nope/);
    expect(() => render('{{.Id.X}}')).toThrow(/\.Id is text and has no field \.X/);
  });
});
