/**
 * The undici transport. Only undici's Agent and request modules are loaded, not the package index:
 * the index also loads fetch, WebSocket, caching and mocks, which cost a cold start about 50 ms and
 * are never used here. The version is pinned exactly, and the client suites run through these modules.
 */
import type { Dispatcher } from 'undici';
import dispatcherRequest from 'undici/lib/api/api-request.js';
import Agent from 'undici/lib/dispatcher/agent.js';
import {
  type RawRequest,
  type RawResponse,
  type Transport,
  type TransportOptions,
  toNetworkError,
} from './transport.ts';

/** undici's Agent keeps one Pool per origin, so each API host gets its own keep-alive pool. */
export function createUndiciTransport(options: TransportOptions, dispatcher?: Dispatcher): Transport {
  const agent =
    dispatcher ??
    new Agent({
      connect: { timeout: options.connectTimeoutMs },
      connections: options.connectionsPerHost,
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
    });
  return {
    async send(raw: RawRequest): Promise<RawResponse> {
      try {
        const pending = dispatcherRequest.call(agent, {
          origin: raw.url.origin,
          path: raw.url.pathname + raw.url.search,
          method: raw.method,
          headers: raw.headers,
          body: raw.body ?? null,
          signal: raw.signal,
        });
        // undici's request API does not tell when the bytes are written; here the request is dispatched
        // to its pool, and what runs next overlaps connecting and the wait alike.
        options.onRequestWritten?.();
        const response = await pending;
        const body = await response.body.text();
        return { status: response.statusCode, headers: response.headers, body };
      } catch (error) {
        throw toNetworkError(error, raw.signal);
      }
    },
    close: () => agent.close(),
  };
}
