import type { RegistryRequest, RegistryResponse, RegistryTransport, TransportOptions } from '../http/types.js';
import { usageError } from '../errors.js';

/**
 * A RegistryTransport whose session (session.ts, and the whole HTTP stack behind it: undici, TLS,
 * the raw connections) loads at its first request. The Client makes one per registry as soon as an
 * api function names it; a command that never sends a request (`images`, `tag`, `rmi`, `inspect` of
 * a local image) then never loads any of it: about 16 ms of every such command's start.
 */
export class LazyTransport implements RegistryTransport {
  readonly registry: string;
  private session: Promise<RegistryTransport> | undefined;

  constructor(private readonly options: TransportOptions) {
    if (options.registry === '') throw usageError('INVALID_REGISTRY', 'no registry given');
    this.registry = options.registry;
  }

  private open(): Promise<RegistryTransport> {
    this.session ??= import('./session.js').then(({ createTransport }) => createTransport(this.options));
    return this.session;
  }

  async baseUrl(): Promise<string> {
    return (await this.open()).baseUrl();
  }

  async request(req: RegistryRequest): Promise<RegistryResponse> {
    return (await this.open()).request(req);
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (session === undefined) return;
    const opened = await session.catch(() => undefined);
    await opened?.close();
  }
}
