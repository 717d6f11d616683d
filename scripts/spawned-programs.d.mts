// Types for scripts/spawned-programs.mjs.
export interface Found {
  program: string;
  line: number;
  via: string;
}
export function shellPrograms(script: string): string[];
export function scanSource(src: string): Found[];
export function scanTree(root: string, dirs: string[]): (Found & { file: string })[];
