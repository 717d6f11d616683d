#!/usr/bin/env node
// Run by `npm test` (pretest): the integration suite needs real tools; missing ones fail loudly, never skip.
import { checkTools } from '../test/harness/tools.mjs';

const problems = [];
const result = checkTools();
if (!result.ok) problems.push(result.message);
try {
  // the keychain tests use keytar for real; it is optional for users, not for the tests
  await import('keytar');
} catch (e) {
  problems.push(
    `the optional dependency keytar does not load (${e instanceof Error ? e.message : String(e)}): install libsecret-1-dev, then npm rebuild keytar`,
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
