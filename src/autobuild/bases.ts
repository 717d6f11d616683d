/**
 * Base images: the FROM images of a Dockerfile (what a build pulls fresh and records), and whether
 * their tags moved since (Hub's "repository links", `--rebuild-on-base-change`), asked with one HEAD of
 * each manifest on its registry (a HEAD does not count as a pull on Docker Hub).
 */
import type { Client } from '../api/client.js';
import { parseDockerfile } from '../builder/dockerfile.js';
import { shellWords } from '../builder/shell-words.js';
import { formatReference, parseReference } from '../ref/reference.js';
import { RemoteRepository } from '../registry/remote.js';
import type { BaseImageRecord } from './state.js';

/**
 * The registry images the Dockerfile's stages start FROM, as full references, once each: `scratch`,
 * earlier stages (`FROM build`) and names that stay unresolved (an ARG without a value) are left out.
 */
export function fromImages(dockerfileText: string, buildArgs: Record<string, string> = {}): string[] {
  const { instructions, escape: escapeChar } = parseDockerfile(dockerfileText);
  const globals = new Map<string, string>();
  const stages = new Set<string>();
  const out: string[] = [];
  let seenFrom = false;
  for (const ins of instructions) {
    const lookup = (name: string) => globals.get(name);
    if (ins.keyword === 'ARG' && !seenFrom) {
      for (const w of safeWords(ins.args, escapeChar, lookup)) {
        const eq = w.indexOf('=');
        const name = eq < 0 ? w : w.slice(0, eq);
        const value = buildArgs[name] ?? (eq < 0 ? undefined : w.slice(eq + 1));
        if (value !== undefined) globals.set(name, value);
      }
    }
    if (ins.keyword !== 'FROM') continue;
    seenFrom = true;
    const words = safeWords(ins.args, escapeChar, lookup);
    const image = words[0];
    const earlierStage = image !== undefined && stages.has(image.toLowerCase());
    if (words.length === 3 && words[1]!.toUpperCase() === 'AS') stages.add(words[2]!.toLowerCase());
    if (!image || earlierStage || image.toLowerCase() === 'scratch' || image.includes('$')) continue;
    try {
      const ref = formatReference(parseReference(image));
      if (!out.includes(ref)) out.push(ref);
    } catch {
      // not an image reference: the build reports it
    }
  }
  return out;
}

function safeWords(args: string, escapeChar: string, lookup: (name: string) => string | undefined): string[] {
  try {
    // An unset variable stays visible as `$NAME`, so it is recognized as unresolved.
    return shellWords(args, { escape: escapeChar, lookup: (n) => lookup(n) ?? `$${n}` });
  } catch {
    return [];
  }
}

export interface BaseChange {
  reference: string;
  from: string;
  to: string;
}

export interface BaseCheck {
  changed: BaseChange[];
  /** Bases that could not be asked (network, auth, gone): not counted as changed. */
  failed: Array<{ reference: string; error: string }>;
}

/** HEADs each recorded base image and reports those whose digest is no longer the recorded one. */
export async function checkBases(client: Client, bases: BaseImageRecord[], signal?: AbortSignal): Promise<BaseCheck> {
  const result: BaseCheck = { changed: [], failed: [] };
  for (const base of bases) {
    try {
      const ref = parseReference(base.reference);
      const remote = new RemoteRepository(client.transport(ref.registry), ref.repository);
      const now = await remote.headManifest(ref.digest ?? ref.tag ?? 'latest', signal ? { signal } : {});
      if (!now) result.failed.push({ reference: base.reference, error: 'not found on its registry' });
      else if (now.digest !== base.digest) result.changed.push({ reference: base.reference, from: base.digest, to: now.digest });
    } catch (e) {
      if (signal?.aborted) throw e;
      result.failed.push({ reference: base.reference, error: (e as Error).message });
    }
  }
  return result;
}
