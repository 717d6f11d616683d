/** Git build contexts: docker's URL#REF:SUBDIR forms, fetched shallow with the git CLI into a temp dir. */
export { isGitUrl, parseGitContext, withoutCredentials, describeGitContext, type GitContextSpec } from './spec.js';
export {
  detectGitContext,
  prepareGitContext,
  REVISION_LABEL,
  SOURCE_LABEL,
  type GitContext,
  type PrepareGitContextOptions,
} from './prepare.js';
