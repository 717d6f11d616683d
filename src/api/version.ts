import { hostPlatform } from '../oci/platform.js';
import { VERSION } from '../version.js';

export interface VersionInfo {
  /** hubctl's version (the CLI and the library are one package). */
  version: string;
  /** The library's version, as `import { VERSION } from 'hubctl'` gives it. */
  library: string;
  /** `v20.18.1`. */
  node: string;
  /** Node's platform name: `linux`, `darwin`, `win32`. */
  platform: string;
  /** OS and architecture in OCI terms: `linux`, `amd64`/`arm64`. */
  os: string;
  arch: string;
}

/** `hubctl version`: what is running, for bug reports. */
export function versionInfo(): VersionInfo {
  const host = hostPlatform();
  return {
    version: VERSION,
    library: VERSION,
    node: process.version,
    platform: process.platform,
    os: host.os,
    arch: `${host.architecture}${host.variant ? `/${host.variant}` : ''}`,
  };
}
