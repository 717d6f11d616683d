#!/usr/bin/env node
// Run by `npm test` (pretest): the integration suite needs real tools; missing ones fail loudly, never skip.
import { checkTools } from '../test/harness/tools.mjs';

const result = checkTools();
if (result.ok) {
  if (process.env.HUBCTL_TEST_DEPS_VERBOSE) console.error(result.message);
  process.exit(0);
}
console.error(`check-test-deps: ${result.message}`);
console.error('check-test-deps: the integration tests run a real registry and skopeo; they do not skip when tools are missing.');
process.exit(1);
