import { usageError } from '../errors.js';
import { isValidDigest } from '../digest/digest.js';

/** Docker Hub as docker names it in references. */
export const DOCKER_HUB_DOMAIN = 'docker.io';
/** The host dockerd actually talks to for Docker Hub's distribution API. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const LEGACY_HUB_DOMAIN = 'index.docker.io';
const OFFICIAL_NAMESPACE = 'library';
export const DEFAULT_TAG = 'latest';
const NAME_TOTAL_MAX = 255;

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DOMAIN_LABEL = /^(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])$/;
const PORT = /^[0-9]+$/;
const BARE_HEX64 = /^[a-f0-9]{64}$/;

/** A fully normalized image reference, as docker reads one. */
export interface Reference {
  /** `docker.io`, `localhost:5000`, `[::1]:5000`, `ghcr.io`. */
  readonly registry: string;
  /** `library/centos`, `user/repo`, `ns/sub/repo`. */
  readonly repository: string;
  /** Present unless the reference is by digest only. */
  readonly tag?: string;
  readonly digest?: string;
}

export interface ParseOptions {
  /** Add `:latest` when neither tag nor digest is given (default true). */
  defaultTag?: boolean;
}

/**
 * Parses a reference the way docker's ParseDockerRef does: normalizes Docker Hub names, adds the
 * default tag, and keeps only the digest when both a tag and a digest are given.
 */
export function parseReference(input: string, options: ParseOptions = {}): Reference {
  const raw = input.trim();
  if (raw === '') throw bad(input, 'the reference is empty');
  if (raw.length > 4096) throw bad(input, 'the reference is too long');

  let rest = raw;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isValidDigest(digest)) {
      throw bad(input, `"${digest}" is not a valid digest (expected sha256:<64 lowercase hex>)`);
    }
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) {
      throw bad(input, `"${tag}" is not a valid tag (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-')`);
    }
  }
  if (rest === '') throw bad(input, 'the repository name is empty');

  const { registry, path } = splitDomain(rest, input);
  if (BARE_HEX64.test(rest)) {
    throw bad(input, 'a bare 64-character hex string is an image ID, not a repository name', 'pull by digest with NAME@sha256:<hex>');
  }
  validatePath(path, input);
  const nameLength = (registry === DOCKER_HUB_DOMAIN ? path : `${registry}/${path}`).length;
  if (nameLength > NAME_TOTAL_MAX) {
    throw bad(input, `the repository name is ${nameLength} characters long; the limit is ${NAME_TOTAL_MAX}`);
  }

  if (digest !== undefined) return { registry, repository: path, digest };
  if (tag === undefined && options.defaultTag !== false) tag = DEFAULT_TAG;
  return tag === undefined ? { registry, repository: path } : { registry, repository: path, tag };
}

/** Parses a repository name without tag or digest (for `images REPO`, `search`, mounts). */
export function parseRepository(input: string): Reference {
  const ref = parseReference(input, { defaultTag: false });
  if (ref.tag !== undefined || ref.digest !== undefined) {
    throw bad(input, 'expected a repository name without a tag or digest');
  }
  return ref;
}

function splitDomain(name: string, input: string): { registry: string; path: string } {
  const slash = name.indexOf('/');
  let registry = DOCKER_HUB_DOMAIN;
  let path = name;
  if (slash >= 0) {
    const first = name.slice(0, slash);
    if (first === 'localhost' || first.includes('.') || first.includes(':') || first !== first.toLowerCase()) {
      registry = first;
      path = name.slice(slash + 1);
      validateDomain(registry, input);
    }
  }
  if (registry === LEGACY_HUB_DOMAIN) registry = DOCKER_HUB_DOMAIN;
  if (registry === DOCKER_HUB_DOMAIN && !path.includes('/')) path = `${OFFICIAL_NAMESPACE}/${path}`;
  return { registry, path };
}

function validateDomain(domain: string, input: string): void {
  let host = domain;
  let port: string | undefined;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) throw bad(input, `"${domain}" is not a valid registry host`);
    const ip6 = host.slice(1, end);
    if (!/^[0-9A-Fa-f:.]+$/.test(ip6) || !ip6.includes(':')) throw bad(input, `"${domain}" is not a valid IPv6 address`);
    const after = host.slice(end + 1);
    if (after !== '') {
      if (!after.startsWith(':')) throw bad(input, `"${domain}" is not a valid registry host`);
      port = after.slice(1);
    }
  } else {
    const colon = host.indexOf(':');
    if (colon >= 0) {
      port = host.slice(colon + 1);
      host = host.slice(0, colon);
    }
    if (host === '' || !host.split('.').every((l) => DOMAIN_LABEL.test(l))) {
      throw bad(input, `"${domain}" is not a valid registry host`);
    }
  }
  if (port !== undefined && (!PORT.test(port) || Number(port) > 65535)) {
    throw bad(input, `"${port}" is not a valid port in registry host "${domain}"`);
  }
}

function validatePath(path: string, input: string): void {
  for (const component of path.split('/')) {
    if (PATH_COMPONENT.test(component)) continue;
    if (component !== component.toLowerCase() && PATH_COMPONENT.test(component.toLowerCase())) {
      throw bad(input, 'repository names must be lowercase', `try "${input.toLowerCase()}"`);
    }
    throw bad(
      input,
      `"${component}" is not a valid repository path component (lowercase letters, digits, and '.', '_', '__', '-' between them)`,
    );
  }
}

function bad(input: string, why: string, hint?: string) {
  return usageError('INVALID_REFERENCE', `invalid reference "${truncate(input)}": ${why}`, {
    hint: hint ?? 'references look like NAME[:TAG][@sha256:DIGEST], e.g. centos, user/repo:1.0, localhost:5000/ns/repo',
  });
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Is `tag` a valid tag: letters, digits, `_`, `.`, `-`, at most 128, not starting with `.` or `-`? */
export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

/** `docker.io/library/centos:latest`, `host:5000/ns/repo@sha256:...`. */
export function formatReference(ref: Reference): string {
  const name = `${ref.registry}/${ref.repository}`;
  if (ref.digest !== undefined) return `${name}@${ref.digest}`;
  return ref.tag !== undefined ? `${name}:${ref.tag}` : name;
}

/** The short form docker prints: `centos:latest`, `user/repo:1`, `localhost:5000/x:1`. */
export function familiarName(ref: Reference): string {
  let name = `${ref.registry}/${ref.repository}`;
  if (ref.registry === DOCKER_HUB_DOMAIN) {
    name = ref.repository.startsWith(`${OFFICIAL_NAMESPACE}/`) ? ref.repository.slice(OFFICIAL_NAMESPACE.length + 1) : ref.repository;
  }
  return name;
}

export function familiarString(ref: Reference): string {
  const name = familiarName(ref);
  if (ref.digest !== undefined) return `${name}@${ref.digest}`;
  return ref.tag !== undefined ? `${name}:${ref.tag}` : name;
}

/** The host:port to contact for a reference's registry (Docker Hub's API host for docker.io). */
export function registryApiHost(registry: string): string {
  return registry === DOCKER_HUB_DOMAIN ? DOCKER_HUB_API_HOST : registry;
}
