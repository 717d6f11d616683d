import { parseReference } from '../../ref/reference.js';
import type { DockerfileStage } from '../dockerfile-stages.js';

/**
 * The name a base image gets in buildah's storage: its reference, or for a digest reference
 * (`alpine@sha256:...`, which cannot be a tag and which buildah could not find when it is the
 * digest of a multi-platform index) the tag `hubctl-sha256-<hex>` of the same repository.
 */
export function handoverName(ref: string): string {
  const r = parseReference(ref);
  if (r.digest === undefined) return ref;
  return `${r.registry}/${r.repository}:hubctl-${r.digest.replace(':', '-')}`;
}

/**
 * The Dockerfile with each `FROM image@digest` replaced by the handover name of that image, on the
 * same line (a continued FROM becomes one line and empty ones), so buildah's step numbers and the
 * Dockerfile's line numbers stay those of the user's file. Undefined when nothing needs it.
 */
export function rewriteDigestFroms(text: string, stages: readonly DockerfileStage[], escapeChar: string): string | undefined {
  const pinned = stages.filter((s) => s.ref?.includes('@'));
  if (pinned.length === 0) return undefined;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const continued = (l: string) => l.trimEnd().endsWith(escapeChar);
  for (const s of pinned) {
    const from = s.instructions[0]!;
    const start = from.line - 1;
    let end = start;
    while (end < lines.length - 1 && continued(lines[end]!)) end++;
    const platform = from.flags.find(([f]) => f === 'platform');
    const text = `FROM ${platform ? `--platform=${platform[1]} ` : ''}${handoverName(s.ref!)}${s.name ? ` AS ${s.name}` : ''}`;
    lines.splice(start, end - start + 1, text, ...new Array<string>(end - start).fill(''));
  }
  return lines.join('\n');
}
