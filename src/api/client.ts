import type { CredentialSource } from '../credentials/types.js';
import type { RegistryTransport, TransportOptions } from '../http/types.js';
// The modules themselves rather than the folders' index files: a command loads only what it uses
// (the auth index also loads login, the store index gc, validate and describe); the session and the
// HTTP stack load at a transport's first request (lazy-transport.ts).
import { LazyTransport } from '../auth/lazy-transport.js';
import { ImageStore } from '../store/image-store.js';
import type { Platform } from '../oci/types.js';
import { hostPlatform } from '../oci/platform.js';

/** Connection settings applied to every registry the client talks to (see TransportOptions for each). */
export type ConnectionOptions = Omit<TransportOptions, 'registry' | 'credentials'>;

export interface ClientOptions extends ConnectionOptions {
  /** Called when another process holds the store's lock (the CLI shows a spinner); returns the end-of-wait callback. */
  onStoreLockWait?: (what: string) => (() => void) | undefined;
  /** Registries (`host[:port]` as references name them) treated as `insecure`, like docker's insecure-registries. */
  insecureRegistries?: readonly string[];
  /** The local OCI image layout (see defaultStoreRoot in src/store). */
  storeRoot: string;
  /** Where registry credentials come from (see createCredentialSource in src/credentials). Anonymous without. */
  credentials?: CredentialSource;
  /** Default platform for pulls and builds (default: this machine's). */
  platform?: Platform;
}

/**
 * The library's entry point: holds options, one transport per registry (connections and tokens are
 * reused across calls), and the store. Pass it to the api functions (pull, push, images...).
 */
export class Client {
  private readonly transports = new Map<string, RegistryTransport>();
  private storePromise: Promise<ImageStore> | undefined;
  readonly platform: Platform;

  constructor(readonly options: ClientOptions) {
    this.platform = options.platform ?? hostPlatform();
  }

  transport(registry: string): RegistryTransport {
    let t = this.transports.get(registry);
    if (t === undefined) {
      const o = this.options;
      t = new LazyTransport({ ...this.transportOptions(registry), ...(o.credentials ? { credentials: o.credentials } : {}) });
      this.transports.set(registry, t);
    }
    return t;
  }

  /** The connection settings for a registry (TLS, proxy, retries...), without the stored credentials. */
  transportOptions(registry: string): TransportOptions {
    const {
      storeRoot: _store,
      credentials: _credentials,
      platform: _platform,
      insecureRegistries,
      onStoreLockWait: _wait,
      ...connection
    } = this.options;
    const insecure = connection.insecure === true || (insecureRegistries?.includes(registry) ?? false);
    return { ...connection, registry, userAgent: connection.userAgent ?? 'hubctl', ...(insecure ? { insecure } : {}) };
  }

  store(): Promise<ImageStore> {
    const onLockWait = this.options.onStoreLockWait;
    this.storePromise ??= ImageStore.open(this.options.storeRoot, onLockWait ? { onLockWait } : {});
    return this.storePromise;
  }

  /** Releases connections and the store's lease. The client can be used again afterwards. */
  async close(): Promise<void> {
    const all = [...this.transports.values()];
    this.transports.clear();
    const store = this.storePromise;
    this.storePromise = undefined;
    await Promise.allSettled([...all.map((t) => t.close()), store?.then((s) => s.close())]);
  }
}

export function createClient(options: ClientOptions): Client {
  return new Client(options);
}
