/**
 * Registry names -> the keys docker uses in config.json and passes to credential helpers.
 *
 * Docker Hub is stored under `https://index.docker.io/v1/` (docker/cli's IndexServer); every other
 * registry under `host[:port]`. Reading is lenient: any key whose hostname (moby's ConvertToHostname:
 * drop `http://`/`https://`, then everything from the first `/`) names the same registry matches, and
 * all Docker Hub aliases match each other.
 */

/** The key docker writes Docker Hub credentials under, and the server URL it gives helpers. */
export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';

const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** moby's ConvertToHostname: `https://host:5000/v1/` -> `host:5000`. */
export function convertToHostname(key: string): string {
  let rest = key.trim();
  const lower = rest.toLowerCase();
  if (lower.startsWith('http://')) rest = rest.slice('http://'.length);
  else if (lower.startsWith('https://')) rest = rest.slice('https://'.length);
  const slash = rest.indexOf('/');
  return slash >= 0 ? rest.slice(0, slash) : rest;
}

/** True for the names docker treats as Docker Hub (with or without scheme and path). */
export function isDockerHub(registry: string): boolean {
  return DOCKER_HUB_HOSTS.has(convertToHostname(registry).toLowerCase());
}

/**
 * The canonical registry host for comparisons: hostname (case-folded) with its port; every Docker Hub
 * alias becomes `docker.io`.
 */
export function registryHost(registry: string): string {
  const host = convertToHostname(registry).toLowerCase();
  return DOCKER_HUB_HOSTS.has(host) ? 'docker.io' : host;
}

/** The key hubctl writes in config.json `auths` (and the keychain account) for a registry. */
export function configKey(registry: string): string {
  return isDockerHub(registry) ? DOCKER_HUB_CONFIG_KEY : convertToHostname(registry);
}

/** The server URL passed to a docker-credential-* helper (docker passes the same as the config key). */
export function helperServerUrl(registry: string): string {
  return configKey(registry);
}

/** Does a key found in config.json (`auths`, `credHelpers`) name this registry? */
export function keyMatchesRegistry(key: string, registry: string): boolean {
  return registryHost(key) === registryHost(registry);
}

/**
 * Keys of `record` naming `registry`, best first: the canonical key, then the bare host as written,
 * then the other matches in file order.
 */
export function matchingKeys(record: Record<string, unknown>, registry: string): string[] {
  const canonical = configKey(registry);
  const host = convertToHostname(registry);
  const out: string[] = [];
  for (const k of [canonical, host]) {
    if (Object.hasOwn(record, k) && !out.includes(k)) out.push(k);
  }
  for (const k of Object.keys(record)) {
    if (!out.includes(k) && keyMatchesRegistry(k, registry)) out.push(k);
  }
  return out;
}
