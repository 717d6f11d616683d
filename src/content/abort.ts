import { HubctlError } from '../errors.js';

export function interrupted(): HubctlError {
  return new HubctlError('interrupted', 'INTERRUPTED', 'interrupted');
}
