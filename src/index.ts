/**
 * hubctl as a library. The CLI (src/cli) is a thin layer over these exports.
 *
 *   import { createClient, pull } from 'hubctl';
 *   const client = createClient({ storeRoot: '/tmp/store' });
 *   const result = await pull(client, 'centos');
 */
export { Client, createClient, type ClientOptions } from './api/client.js';
export { pull, INDEX_DIGEST_ANNOTATION, type PullOptions, type PullResult, type PullEvent } from './api/pull.js';
export { pullAllTags, type PullAllTagsResult } from './api/pull-all-tags.js';
export { copy, type CopyImageOptions, type CopyImageEvent, type CopyImageResult, type CopiedImage } from './api/copy.js';
export { images, referenceMatcher, type ImageSummary, type ImagesFilters } from './api/images.js';
export { inspect, loadImage, type InspectOptions, type InspectResult } from './api/inspect.js';
export { inspectImages, type DockerImageInspect, type InspectImagesOptions, type InspectImagesResult } from './api/inspect-image.js';
export { rmi, type RmiOptions, type RmiResult, type RmiFailure } from './api/rmi.js';
export { pruneImages, diskUsage, isDangling, type PruneOptions, type PruneResult, type DiskUsage } from './api/prune.js';
export { matchImageId, type IdMatch } from './api/image-id.js';
export { versionInfo, type VersionInfo } from './api/version.js';
export { search, type SearchApiOptions } from './api/search.js';
export type { SearchOutcome, SearchResult, SearchFilters } from './search/types.js';
export {
  buildFromLayers,
  buildFromDockerfile,
  type BuildResult,
  type LayerBuildOptions,
  type DockerfileBuildApiOptions,
  type DockerfileBuildResult,
} from './api/build.js';
export {
  prepareGitContext,
  detectGitContext,
  parseGitContext,
  isGitUrl,
  REVISION_LABEL,
  SOURCE_LABEL,
  type GitContext,
  type GitContextSpec,
  type PrepareGitContextOptions,
} from './git/index.js';
export { createCredentialSource, type SourceOptions as CredentialSourceOptions } from './credentials/resolver.js';
export type { CredentialsOptions } from './credentials/options.js';
export { tag, resolveLocalImage, type TagResult } from './api/tag.js';
export { push, mountCandidates, type PushOptions, type PushResult, type PushEvent, type PushedTag, type LayerStatus } from './api/push.js';
export { save, planArchive, type SaveOptions, type SaveResult } from './api/save.js';
export { tags, type TagsResult } from './api/tags.js';
export { catalog, type CatalogResult } from './api/catalog.js';
export { manifestDigest, type DigestResult } from './api/digest.js';
export { manifest, imageConfig, type ManifestResult, type ImageConfigResult } from './api/manifest.js';
export { blob, VerifyingStream, type BlobResult } from './api/blob.js';
export { deleteImage, type DeleteResult } from './api/delete.js';
export { createIndex, type IndexCreateOptions, type IndexCreateEvent, type IndexCreateResult } from './api/index-create.js';
export type { ChildStatus } from './api/index-children.js';
export type { RemoteOptions, RemotePlatformOptions } from './api/remote-image.js';
export { load, planLoad, type LoadOptions, type LoadResult, type LoadEvent, type LoadedImage } from './api/load.js';
export {
  writeArchive,
  extractArchive,
  scanLayer,
  parseDockerArchiveManifest,
  CONTAINERD_IMAGE_NAME_ANNOTATION,
  DOCKER_LAYER_TAR,
  ArchiveWriter,
  StagedSource,
  type ArchivePlan,
  type ArchiveMetadata,
  type StagedBlob,
  type DockerArchiveEntry,
  type StagedArchive,
} from './archive/index.js';
export {
  login,
  logout,
  resolveServer,
  checkLoginStore,
  storedLogin,
  type LoginOptions,
  type LoginResult,
  type LoginServer,
  type LogoutResult,
} from './api/login.js';
export {
  runAutobuild,
  buildCommit,
  parseRule,
  matchRules,
  planBuilds,
  readState,
  defaultStatePath,
  type AutobuildOptions,
  type AutobuildEvent,
  type AutobuildResult,
  type AutobuildState,
  type BuildRule,
  type BuildRecord,
  type CommitBuilder,
} from './autobuild/index.js';
export {
  WebhookServer,
  parseDelivery,
  runJob,
  openEventLog,
  type WebhookServerOptions,
  type PushEvent as WebhookPushEvent,
  type JobActions,
  type JobOutcome,
} from './webhook/index.js';
export { HubctlError, isHubctlError, redactSecrets, type ErrorKind } from './errors.js';
export * from './ref/index.js';
export * from './digest/index.js';
export * from './oci/index.js';
export * from './content/index.js';
export * from './registry/index.js';
export { ImageStore, defaultStoreRoot, describeImages, type StoreEntry } from './store/index.js';
export { createTransport, verifyCredentials, parseWwwAuthenticate, closeAllTransports } from './auth/index.js';
export type { RegistryTransport, RegistryRequest, RegistryResponse, TransportOptions, RetryPolicyOptions } from './http/types.js';
export type { Credential, CredentialSource } from './credentials/types.js';
export { VERSION } from './version.js';
export * from './hub/index.js';
// Both layers have list options of their own: the registry's keep the plain name, the Hub's get a prefix.
export type { ListOptions } from './registry/index.js';
export type { ListOptions as HubListOptions } from './hub/index.js';
