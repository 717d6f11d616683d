/** Text output shared by the commands: docker's table layout, terminal widths, Go-template `--format`. */
export * from './tabwriter.js';
export * from './width.js';
export * from './template.js';
