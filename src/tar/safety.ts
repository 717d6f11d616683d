import { posix } from 'node:path';
import { usageError, type HubctlError } from '../errors.js';

/**
 * Layer safety: a tar entry is refused when its path is absolute or has a `..` component, when a
 * hardlink target (relative to the layer root) is absolute or climbs out, or when the entry sits
 * below a symlink declared earlier in the same layer (writing through a link).
 *
 * The root itself may appear as an entry (`/`, `./`: umoci writes `/`, podman loads such layers).
 * Symlink targets are data: absolute ones (`bin/sh -> /usr/bin/dash`) resolve against the container's
 * root, and a relative one that climbs above the layer root (`a -> ../../etc`) resolves there too, as
 * docker keeps it; the danger is only in writing through a link, which is refused. Only the members
 * of an image archive itself (not of its layers) must not climb: there a link names another member.
 */

/** The parts of a tar header the checks read (tar-stream's Header fits). */
export interface TarEntryHeader {
  name: string;
  type?: string | null;
  linkname?: string | null;
}

function unsafe(layerName: string, entry: string, why: string): HubctlError {
  return usageError('UNSAFE_LAYER', `layer ${layerName}: entry "${entry}" ${why}; refusing the layer`, {
    hint: 'rebuild the tar with relative paths that stay inside the layer (e.g. tar -C dir -cf layer.tar .)',
    details: { layer: layerName, entry },
  });
}

/** `./a/b/` -> `a/b`; `./` and `.` -> `` (the root). Does not resolve `..`. */
export function normalizeEntryName(name: string): string {
  // Empty and `.` components go (`.//a/./b/` is `a/b`); `..` stays, for the callers to refuse.
  return name
    .split('/')
    .filter((c) => c !== '' && c !== '.')
    .join('/');
}

function hasDotDot(p: string): boolean {
  return p.split('/').includes('..');
}

/**
 * Checks one tar header; throws HubctlError usage/UNSAFE_LAYER naming the entry and the layer.
 * Stateless: reusable by `hubctl load` and any tar reader. Returns the normalized entry path.
 */
export interface TarEntryRules {
  /** Keep relative symlinks whose target climbs above the root (layer contents: true; archive members: false). */
  climbingSymlinks?: boolean;
}

export function checkTarEntry(header: TarEntryHeader, layerName: string, rules: TarEntryRules = {}): string {
  const raw = header.name;
  if (raw.includes('\0')) throw unsafe(layerName, raw, 'has a NUL byte in its name');
  const name = normalizeEntryName(raw);
  if (hasDotDot(name)) throw unsafe(layerName, raw, 'has a ".." path component');
  if (raw.startsWith('/')) {
    // `/` (or `/./`): the root itself, as umoci writes it; anything else absolute is refused
    if (name !== '') throw unsafe(layerName, raw, 'has an absolute path');
    if (header.type !== 'directory') throw unsafe(layerName, raw, 'names the layer root but is not a directory');
    return name;
  }
  const link = header.linkname ?? '';
  if (header.type === 'symlink') {
    if (link === '') throw unsafe(layerName, raw, 'is a symlink without a target');
    if (!link.startsWith('/') && rules.climbingSymlinks !== true) {
      const resolved = posix.normalize(posix.join(posix.dirname(name === '' ? '.' : name), link));
      if (resolved === '..' || resolved.startsWith('../')) {
        throw unsafe(layerName, raw, `is a symlink to "${link}", which escapes the layer root`);
      }
    }
  } else if (header.type === 'link') {
    if (link === '') throw unsafe(layerName, raw, 'is a hardlink without a target');
    if (link.startsWith('/')) throw unsafe(layerName, raw, `is a hardlink to the absolute path "${link}"`);
    const target = normalizeEntryName(link);
    if (hasDotDot(target)) throw unsafe(layerName, raw, `is a hardlink to "${link}", which escapes the layer root`);
  }
  return name;
}

/**
 * Stateful checker for one layer: `checkTarEntry` plus refusing entries below a symlink that the
 * same layer declared earlier (`a -> /etc` then `a/passwd`), and hardlinks to such paths.
 */
export class LayerSafetyChecker {
  private readonly symlinks = new Set<string>();
  entries = 0;

  constructor(
    readonly layerName: string,
    private readonly rules: TarEntryRules = { climbingSymlinks: true },
  ) {}

  check(header: TarEntryHeader): string {
    const name = checkTarEntry(header, this.layerName, this.rules);
    this.entries++;
    if (this.symlinks.size > 0) {
      const viaLink = this.throughSymlink(name);
      if (viaLink !== undefined) {
        throw unsafe(this.layerName, header.name, `is below the symlink "${viaLink}" declared earlier in the layer`);
      }
      if (header.type === 'link') {
        const target = normalizeEntryName(header.linkname ?? '');
        const t = this.symlinks.has(target) ? undefined : this.throughSymlink(target);
        if (t !== undefined) throw unsafe(this.layerName, header.name, `is a hardlink through the symlink "${t}"`);
      }
    }
    if (header.type === 'symlink') this.symlinks.add(name);
    else this.symlinks.delete(name);
    return name;
  }

  private throughSymlink(name: string): string | undefined {
    let i = name.indexOf('/');
    while (i >= 0) {
      const parent = name.slice(0, i);
      if (this.symlinks.has(parent)) return parent;
      i = name.indexOf('/', i + 1);
    }
    return undefined;
  }
}
