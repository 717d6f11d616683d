/**
 * `hubctl autobuild`: Docker Hub's automated builds run where you are. Build rules over the branches
 * and tags of a git repository (`git ls-remote`), each new commit built and pushed to every image, a
 * state file with the history (queued, building, success, error) and a log per build.
 */
export { runAutobuild, type AutobuildOptions, type AutobuildEvent, type AutobuildResult } from './run.js';
export { parseRule, matchRule, matchRules, repoPath, type BuildRule, type GitRef, type RefType, type RuleMatch } from './rules.js';
export { planBuilds, conflictingTags, type Decision } from './plan.js';
export { lsRemote, parseLsRemote, normalizeRepository, isRemoteRepository, displayRepository, type RemoteRefs } from './git.js';
export { buildCommit, type CommitBuilder, type CommitBuildRequest, type CommitBuildResult } from './builder.js';
export { fromImages, checkBases, type BaseChange, type BaseCheck } from './bases.js';
export {
  readState,
  writeState,
  emptyState,
  pruneRecords,
  MAX_RECORDS,
  type AutobuildState,
  type BuildRecord,
  type BuildStatus,
  type PushedImage,
  type BaseImageRecord,
} from './state.js';
export { defaultDataDir, defaultStatePath, autobuildDir } from './paths.js';
