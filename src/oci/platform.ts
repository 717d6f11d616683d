import { notFoundError, usageError } from '../errors.js';
import type { Descriptor, Platform } from './types.js';

const ARCH_BY_NODE: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
};

/** The platform of the machine hubctl runs on, in OCI terms. */
export function hostPlatform(nodePlatform: string = process.platform, nodeArch: string = process.arch): Platform {
  const os = nodePlatform === 'win32' ? 'windows' : nodePlatform;
  const architecture = ARCH_BY_NODE[nodeArch] ?? nodeArch;
  const p: Platform = { os, architecture };
  if (architecture === 'arm64') p.variant = 'v8';
  return p;
}

/** Parses `os/arch[/variant]` (as `--platform` takes it). */
export function parsePlatform(text: string): Platform {
  const parts = text.trim().toLowerCase().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9._-]+$/.test(p))) {
    throw usageError('INVALID_PLATFORM', `invalid platform "${text}"`, {
      hint: 'use os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8',
    });
  }
  let [os, architecture, variant] = parts as [string, string, string | undefined];
  if (architecture === 'aarch64') architecture = 'arm64';
  if (architecture === 'x86_64' || architecture === 'x86-64') architecture = 'amd64';
  const p: Platform = { os, architecture };
  if (variant !== undefined) p.variant = variant;
  return p;
}

export function formatPlatform(p: Platform | undefined): string {
  if (!p) return 'unknown';
  return [p.os, p.architecture, p.variant].filter((x) => x !== undefined && x !== '').join('/');
}

function normalizedVariant(p: Platform): string | undefined {
  if (p.variant) return p.variant;
  if (p.architecture === 'arm64') return 'v8';
  return undefined;
}

/** Does `candidate` satisfy the wanted platform? A wanted variant must match; none wanted takes any. */
export function platformMatches(wanted: Platform, candidate: Platform | undefined): boolean {
  if (!candidate) return false;
  if (candidate.os !== wanted.os || candidate.architecture !== wanted.architecture) return false;
  if (!wanted.variant) return true;
  return normalizedVariant(candidate) === normalizedVariant(wanted);
}

const isAttestation = (d: Descriptor) =>
  (d.platform?.os === 'unknown' && d.platform?.architecture === 'unknown') ||
  d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest';

/**
 * Picks the manifest for `wanted` from an index: exact variant first, then the best candidate.
 * Attestation entries (`unknown/unknown`) are skipped. When nothing matches, the error lists the
 * platforms the index has.
 */
export function selectPlatform(manifests: readonly Descriptor[], wanted: Platform, refText: string): Descriptor {
  const candidates = manifests.filter((d) => !isAttestation(d));
  const matching = candidates.filter((d) => platformMatches(wanted, d.platform));
  if (matching.length > 0) {
    const exact = matching.find((d) => normalizedVariant(d.platform!) === normalizedVariant(wanted));
    return exact ?? matching[0]!;
  }
  const available = candidates.map((d) => formatPlatform(d.platform));
  throw notFoundError('PLATFORM_NOT_FOUND', `no image for platform ${formatPlatform(wanted)} in ${refText}`, {
    hint:
      available.length > 0
        ? `available platforms: ${[...new Set(available)].join(', ')}; choose one with --platform`
        : 'the index lists no runnable platforms',
    details: { available },
  });
}

/** Platforms to keep for `--all-platforms`: every entry that is not an attestation. */
export function runnableManifests(manifests: readonly Descriptor[]): Descriptor[] {
  return manifests.filter((d) => !isAttestation(d));
}
