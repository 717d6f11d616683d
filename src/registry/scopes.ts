/** Token scope strings for the distribution API (`repository:<name>:<actions>`). */
export const pullScope = (repository: string): string => `repository:${repository}:pull`;
export const pushScope = (repository: string): string => `repository:${repository}:pull,push`;
export const CATALOG_SCOPE = 'registry:catalog:*';
/** Deleting a manifest: distribution checks the `delete` action. */
export const deleteScope = (repository: string): string => `repository:${repository}:delete`;
