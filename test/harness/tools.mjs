// Locate the external tools the integration tests need and explain how to install missing ones.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

import { packagesOf, SYSTEM_DEPS } from '../../scripts/system-deps.mjs';

/** @typedef {{ name: string, purpose: string, apt: string }} ToolSpec */

/** Programs the tests cannot run without: the commands of scripts/system-deps.mjs (the one list) for `test`. @type {ToolSpec[]} */
export const REQUIRED_TOOLS = SYSTEM_DEPS.filter((d) => d.for.includes('test') && d.probe !== 'dpkg' && !d.optional).map((d) => ({
  name: d.name,
  purpose: d.purpose,
  apt: d.package,
}));

export const INSTALL_COMMAND = `apt-get install -y ${packagesOf(SYSTEM_DEPS.filter((d) => d.for.includes('test') && !d.base)).join(' ')}`;

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
