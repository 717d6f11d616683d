import { familiarString, formatReference, parseReference } from '../ref/reference.js';

/**
 * docker's short form of a stored name (`centos:7`); names other tools wrote (`MyTag`, `latest` alone: not
 * the full reference hubctl stores), and digests of unnamed entries, as they are.
 */
export function familiarStored(name: string): string {
  if (name.startsWith('sha256:')) return name;
  try {
    const parsed = parseReference(name);
    return formatReference(parsed) === name ? familiarString(parsed) : name;
  } catch {
    return name;
  }
}
