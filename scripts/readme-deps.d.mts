// Types for scripts/readme-deps.mjs.
export const BEGIN: string;
export const END: string;
export function renderDepsTable(): string;
export function withTable(readme: string): string;
