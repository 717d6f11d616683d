// Locate the external tools the integration tests need and explain how to install missing ones.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** @typedef {{ name: string, purpose: string, apt: string }} ToolSpec */

/** Tools the integration suite cannot run without. @type {ToolSpec[]} */
export const REQUIRED_TOOLS = [
  { name: 'docker-registry', purpose: 'CNCF distribution registry under test', apt: 'docker-registry' },
  { name: 'skopeo', purpose: 'independent client that seeds and checks images', apt: 'skopeo' },
  { name: 'umoci', purpose: 'independent OCI layout tool', apt: 'umoci' },
  { name: 'openssl', purpose: 'test CA, TLS and token-signing certificates', apt: 'openssl' },
  { name: 'htpasswd', purpose: 'bcrypt htpasswd files', apt: 'apache2-utils' },
  { name: 'docker-credential-pass', purpose: 'a real docker credential helper', apt: 'golang-docker-credential-helpers' },
  {
    name: 'docker-credential-secretservice',
    purpose: 'a real docker credential helper (Secret Service)',
    apt: 'golang-docker-credential-helpers',
  },
  { name: 'pass', purpose: 'the password store behind docker-credential-pass', apt: 'pass' },
  { name: 'gpg', purpose: 'a throw-away key for pass', apt: 'gnupg' },
  { name: 'gnome-keyring-daemon', purpose: 'the Secret Service for the keychain tests', apt: 'gnome-keyring' },
  { name: 'dbus-run-session', purpose: 'a private D-Bus session for the Secret Service', apt: 'dbus-daemon' },
  { name: 'script', purpose: 'a pseudo-terminal for the login prompt tests', apt: 'util-linux' },
  { name: 'docker', purpose: 'the docker client (no daemon) reading config.json hubctl wrote', apt: 'docker.io' },
];

export const INSTALL_COMMAND =
  'apt-get install -y docker-registry skopeo umoci apache2-utils golang-docker-credential-helpers pass gnupg gnome-keyring dbus-daemon dbus-x11 libsecret-1-dev util-linux';

/** @type {Map<string, string | null>} */
const cache = new Map();

/**
 * Absolute path of an executable on PATH (or in /usr/sbin, /sbin), or null.
 * @param {string} name
 * @returns {string | null}
 */
export function findTool(name) {
  if (cache.has(name)) return /** @type {string|null} */ (cache.get(name));
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const extra of ['/usr/local/bin', '/usr/bin', '/usr/sbin', '/sbin', '/bin']) if (!dirs.includes(extra)) dirs.push(extra);
  let found = null;
  for (const dir of dirs) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      found = p;
      break;
    } catch {
      /* keep looking */
    }
  }
  cache.set(name, found);
  return found;
}

/**
 * Path of a tool, or throw an Error naming it and the install command.
 * @param {string} name
 * @returns {string}
 */
export function requireTool(name) {
  const p = findTool(name);
  if (p) return p;
  const spec = REQUIRED_TOOLS.find((t) => t.name === name);
  throw new Error(
    `required tool "${name}" not found on PATH${spec ? ` (${spec.purpose}); install it with: apt-get install -y ${spec.apt}` : ''}`,
  );
}

/**
 * Check all required tools.
 * @param {ToolSpec[]} [tools]
 * @returns {{ ok: boolean, missing: ToolSpec[], found: Record<string, string>, message: string }}
 */
export function checkTools(tools = REQUIRED_TOOLS) {
  /** @type {ToolSpec[]} */ const missing = [];
  /** @type {Record<string, string>} */ const found = {};
  for (const t of tools) {
    const p = findTool(t.name);
    if (p) found[t.name] = p;
    else missing.push(t);
  }
  const message =
    missing.length === 0
      ? `all test tools found: ${tools.map((t) => t.name).join(', ')}`
      : [
          `missing test tools: ${missing.map((t) => t.name).join(', ')}`,
          ...missing.map((t) => `  - ${t.name}: ${t.purpose} (Debian package ${t.apt})`),
          `install with (as root): apt-get update && apt-get install -y ${[...new Set(missing.map((t) => t.apt))].join(' ')}`,
          `or everything at once:  ${INSTALL_COMMAND}`,
        ].join('\n');
  return { ok: missing.length === 0, missing, found, message };
}
