import { createRequire } from 'node:module';
import type * as Undici from 'undici';

/**
 * The three pieces of undici hubctl uses, loaded from undici's own modules rather than its index,
 * which also loads fetch, WebSocket, EventSource, the cache and the mocks: about 8 MiB of memory and
 * 90 ms of every command's start. If undici's file layout ever changes, the index is used instead,
 * and test/unit/http/undici-parts.test.ts fails (`source` is 'index'), so the change is seen.
 *
 * Loaded on first use, not with this module: even these parts (40 files, with node:http, http2 and
 * tls behind them) cost about 45 ms, and a command that never sends a request through undici (images,
 * tag, rmi; a pull whose requests all go over raw connections) never pays it.
 */
interface UndiciParts {
  /** 'parts': undici's own modules, as intended; 'index': the fallback. */
  source: 'parts' | 'index';
  Agent: typeof Undici.Agent;
  EnvHttpProxyAgent: typeof Undici.EnvHttpProxyAgent;
  request(
    dispatcher: Undici.Dispatcher,
    url: URL,
    options: Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path'>,
  ): Promise<Undici.Dispatcher.ResponseData>;
}

const require = createRequire(import.meta.url);

function load(): UndiciParts {
  try {
    const Agent = require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
    const EnvHttpProxyAgent = require('undici/lib/dispatcher/env-http-proxy-agent.js') as typeof Undici.EnvHttpProxyAgent;
    const apiRequest = require('undici/lib/api/api-request.js') as (
      this: Undici.Dispatcher,
      opts: Undici.Dispatcher.RequestOptions,
    ) => Promise<Undici.Dispatcher.ResponseData>;
    if (typeof Agent !== 'function' || typeof EnvHttpProxyAgent !== 'function' || typeof apiRequest !== 'function')
      throw new Error('unexpected undici layout');
    return {
      source: 'parts',
      Agent,
      EnvHttpProxyAgent,
      // what undici's own request(url, {dispatcher}) does: origin and path from the URL, then the dispatcher
      request: (dispatcher, url, options) =>
        apiRequest.call(dispatcher, { ...options, origin: url.origin, path: `${url.pathname}${url.search}` }),
    };
  } catch {
    const full = require('undici') as typeof Undici;
    return {
      source: 'index',
      Agent: full.Agent,
      EnvHttpProxyAgent: full.EnvHttpProxyAgent,
      request: (dispatcher, url, options) => full.request(url, { ...options, dispatcher }),
    };
  }
}

let parts: UndiciParts | undefined;
const loaded = (): UndiciParts => {
  parts ??= load();
  return parts;
};

export const undici: UndiciParts = {
  get source() {
    return loaded().source;
  },
  get Agent() {
    return loaded().Agent;
  },
  get EnvHttpProxyAgent() {
    return loaded().EnvHttpProxyAgent;
  },
  request: (dispatcher, url, options) => loaded().request(dispatcher, url, options),
};

/** Whether undici has been loaded in this process (for the tests that check what a command loads). */
export function undiciLoaded(): boolean {
  return parts !== undefined;
}
