/**
 * The undici transport. Only undici's Agent and request modules are loaded, not the package index:
 * the index also loads fetch, WebSocket, caching and mocks, which cost a cold start about 50 ms and
 * are never used here. The version is pinned exactly, and the client suites run through these modules.
 */
import type { Dispatcher } from 'undici';
import dispatcherRequest from 'undici/lib/api/api-request.js';
import Agent from 'undici/lib/dispatcher/agent.js';
import { ResponseTooLargeError } from '../errors.ts';
import {
  cappedBody,
  DEFAULT_MAX_RESPONSE_BYTES,
  declaredTooLarge,
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
  const limit = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  return {
    async send(raw: RawRequest): Promise<RawResponse> {
      raw.signal.throwIfAborted();
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
        raw.onWritten?.();
        // undici does not abort a request still waiting for its connection (a stalled TCP connect or TLS
        // handshake runs on to the connect timeout), so the abort is raced here; the request is left to
        // undici, which drops it once its connect fails.
        pending.then(
          (late) => raw.signal.aborted && late.body.destroy(),
          () => undefined,
        );
        const response = await untilAborted(pending, raw.signal);
        if (declaredTooLarge(response.headers, limit)) {
          response.body.destroy();
          throw new ResponseTooLargeError(limit);
        }
        const body = cappedBody(limit);
        try {
          for await (const chunk of response.body) body.push(chunk as Uint8Array);
        } catch (error) {
          response.body.destroy();
          throw error;
        }
        return { status: response.statusCode, headers: response.headers, body: body.text() };
      } catch (error) {
        if (error instanceof ResponseTooLargeError) throw error;
        throw toNetworkError(error, raw.signal);
      }
    },
    close: () => agent.close(),
  };
}

/** Settles with `work`, or rejects as soon as `signal` aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
