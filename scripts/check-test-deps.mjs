#!/usr/bin/env node
// Run by `npm test` (pretest): the integration suite needs real tools; missing ones fail loudly, never skip.
import { checkTools } from '../test/harness/tools.mjs';

const problems = [];
const result = checkTools();
if (!result.ok) problems.push(result.message);
try {
  // the keychain tests use the prebuilt @napi-rs/keyring for real: its binary for this platform must load
  const keyring = await import('@napi-rs/keyring');
  if (typeof (keyring.AsyncEntry ?? keyring.default?.AsyncEntry) !== 'function') throw new Error('no AsyncEntry export');
} catch (e) {
  problems.push(
    `@napi-rs/keyring does not load (${e instanceof Error ? e.message : String(e)}): run npm ci again; its prebuilt binary comes from an optional dependency for ${process.platform}-${process.arch}`,
  );
}
try {
  // the Hub emulator validates against Docker's OpenAPI description, kept outside the repository
  const { findHubOpenApi } = await import('../test/harness/hub-spec.mjs');
  findHubOpenApi();
} catch (e) {
  problems.push(e instanceof Error ? e.message : String(e));
}
if (problems.length === 0) {
  if (process.env.HUBCTL_TEST_DEPS_VERBOSE) console.error(result.message);
  process.exit(0);
}
for (const p of problems) console.error(`check-test-deps: ${p}`);
console.error(
  'check-test-deps: the integration tests run real registries, skopeo, umoci, credential helpers and the Secret Service; they fail rather than skip when something is missing.',
);
process.exit(1);
