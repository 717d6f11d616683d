import { familiarString, parseReference } from '../ref/reference.js';

/** docker's short form of a stored name (`centos:7`); names other tools wrote, and digests of unnamed entries, as they are. */
export function familiarStored(name: string): string {
  try {
    return name.startsWith('sha256:') ? name : familiarString(parseReference(name));
  } catch {
    return name;
  }
}
