import { expect } from 'vitest';
import { HubctlError } from '../../../src/errors.js';

/** Runs `fn`; anything thrown must be a HubctlError (of one of `kinds`, when given). Returns the error. */
export function onlyHubctl(fn: () => unknown, kinds?: readonly string[]): HubctlError | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (!(e instanceof HubctlError)) throw e;
    if (kinds !== undefined) expect(kinds).toContain(e.kind);
    return e;
  }
}

export async function onlyHubctlAsync(fn: () => Promise<unknown>, kinds?: readonly string[]): Promise<HubctlError | undefined> {
  try {
    await fn();
    return undefined;
  } catch (e) {
    if (!(e instanceof HubctlError)) throw e;
    if (kinds !== undefined) expect(kinds).toContain(e.kind);
    return e;
  }
}
