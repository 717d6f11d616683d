import type { HubClientOptions, HubCredential } from './options.js';
import type { HubList } from './paging.js';
import * as repos from './repositories.js';
import { HubTransport } from './transport.js';
import type { HubRepository, HubRepositorySummary } from './types.js';

/**
 * A typed client of Docker Hub's REST API, one method per operation. Lists are HubLists: async
 * iterables that follow Hub's `next` links (`for await (const r of hub.listRepositories('alice'))`,
 * or `await list.collect()` with a `limit`). Close it when done.
 *
 * Documented operations come from Docker's OpenAPI description (hub-openapi.yaml, 2-beta); the others
 * are called as maintained clients call them, each cited where it is implemented.
 */
export class HubClient {
  /** The transport (auth, retries, errors); exposed for the operations' modules and tests. */
  readonly transport: HubTransport;

  constructor(options: HubClientOptions = {}) {
    this.transport = new HubTransport(options);
  }

  /** The API URL in use. */
  get baseUrl(): string {
    return this.transport.baseUrl.href;
  }

  /** The credential the client was given (after asking the provider), or undefined for anonymous use. */
  credential(): Promise<HubCredential | undefined> {
    return this.transport.auth.getCredential();
  }

  /** Exchanges the credential for a JWT now (checks it); false when there is no credential. */
  async authenticate(): Promise<boolean> {
    return (await this.transport.auth.bearer(true)) !== undefined;
  }

  // ---- repositories
  listRepositories(namespace: string, o?: repos.ListRepositoriesOptions): HubList<HubRepositorySummary> {
    return repos.listRepositories(this.transport, namespace, o);
  }
  getRepository(namespace: string, name: string): Promise<HubRepository> {
    return repos.getRepository(this.transport, namespace, name);
  }
  createRepository(namespace: string, name: string, o?: repos.CreateRepositoryOptions): Promise<HubRepository> {
    return repos.createRepository(this.transport, namespace, name, o);
  }
  updateRepository(namespace: string, name: string, o: repos.UpdateRepositoryOptions): Promise<HubRepository> {
    return repos.updateRepository(this.transport, namespace, name, o);
  }
  setRepositoryPrivacy(namespace: string, name: string, isPrivate: boolean): Promise<void> {
    return repos.setRepositoryPrivacy(this.transport, namespace, name, isPrivate);
  }
  deleteRepository(namespace: string, name: string): Promise<void> {
    return repos.deleteRepository(this.transport, namespace, name);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

/** A HubClient; close it when done. */
export function createHubClient(options: HubClientOptions = {}): HubClient {
  return new HubClient(options);
}
