import { displayWidth } from './width.js';

export interface TabWriterOptions {
  /** Minimal cell width including padding (docker: 10). */
  minWidth: number;
  /** Padding added to the widest cell of a column (docker: 3). */
  padding: number;
}

/** docker's table settings: tabwriter.NewWriter(out, 10, 1, 3, ' ', 0). */
export const DOCKER_TABLE: TabWriterOptions = { minWidth: 10, padding: 3 };

interface Cell {
  text: string;
  width: number;
}

/**
 * Aligns tab-separated text the way Go's text/tabwriter does with a space pad character and no flags:
 * cells are tab-terminated, the last cell of a line is not part of any column, and a column is a block of
 * consecutive lines that all have a cell in it; its width is max(minWidth, widest cell + padding).
 * Widths count terminal columns (East Asian wide characters are two).
 */
export function alignColumns(text: string, options: TabWriterOptions = DOCKER_TABLE): string {
  const lines: Cell[][] = text.split('\n').map((line) => line.split('\t').map((t) => ({ text: t, width: displayWidth(t) })));
  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const line = lines[i]!;
      let s = '';
      line.forEach((cell, j) => {
        s += cell.text;
        if (j < widths.length && j < line.length - 1) s += ' '.repeat(Math.max(0, widths[j]! - cell.width));
      });
      out.push(s);
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    let start = line0;
    for (let cur = line0; cur < line1; cur++) {
      if (column >= lines[cur]!.length - 1) continue;
      // a block of lines with a cell in this column starts here
      writeLines(start, cur);
      start = cur;
      let width = options.minWidth;
      for (; cur < line1; cur++) {
        const line = lines[cur]!;
        if (column >= line.length - 1) break;
        width = Math.max(width, line[column]!.width + options.padding);
      }
      widths.push(width);
      format(start, cur);
      widths.pop();
      // `cur` is now the first line after the block: it has no cell here, so the loop may step past it
      start = cur;
    }
    writeLines(start, line1);
  };

  format(0, lines.length);
  return out.join('\n');
}
