import type { ErrorKind } from '../errors.js';

/** Exit codes by error kind (DESIGN.md). Scripts may rely on them. */
export const EXIT_CODES: Record<ErrorKind, number> = {
  internal: 1,
  usage: 2,
  auth: 3,
  notfound: 4,
  network: 5,
  integrity: 6,
  store: 7,
  interrupted: 130,
};

export const EXIT_OK = 0;
