/** Option texts and parsers shared by the command declarations (table.ts and each group declare.ts); loaded with help. */

export const INSECURE = 'allow plain HTTP and unverified TLS for this registry';
export const CA_FILE = 'trust this CA for the registry';

/** commander option parser for repeatable flags: `--env A=1 --env B=2` -> ['A=1', 'B=2']. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
