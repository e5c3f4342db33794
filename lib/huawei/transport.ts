/**
 * One HTTP attempt over undici: a keep-alive pool per host, connect and request timeouts, TLS verified
 * (undici's default; nothing here turns it off). Failures without an answer become NetworkError.
 *
 * Only undici's Agent and request modules are loaded, not the package index: the index also loads
 * fetch, WebSocket, caching and mocks, which cost a Lambda cold start about 50 ms and are never used
 * here (measured on Node 24 with minified esbuild bundles: first request ≈ 100 ms from process start
 * this way, ≈ 150 ms through the index, ≈ 93 ms with node:http). The version is pinned exactly, and
 * every client test runs through these two modules.
 */
import type { Dispatcher } from 'undici';
import dispatcherRequest from 'undici/lib/api/api-request.js';
import Agent from 'undici/lib/dispatcher/agent.js';
import { NetworkError } from '../errors.ts';

export type TransportOptions = {
  connectTimeoutMs: number;
  /** Most sockets kept open to one host: the executor's concurrency, so no call waits for a socket. */
  connectionsPerHost: number;
};

/** undici's Agent keeps one Pool per origin, so each API host gets its own keep-alive pool. */
export function createDispatcher(options: TransportOptions): Dispatcher {
  return new Agent({
    connect: { timeout: options.connectTimeoutMs },
    connections: options.connectionsPerHost,
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
  });
}

export type RawRequest = {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body: Uint8Array | undefined;
  /** Cuts this attempt: the per-request timeout combined with the decision's deadline. */
  signal: AbortSignal;
};

export type RawResponse = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
};

const TLS_CODES = /^(CERT_|ERR_TLS|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED)/;

/** Sends one request and reads the whole body; throws NetworkError when no answer arrives. */
export async function sendOnce(dispatcher: Dispatcher, raw: RawRequest): Promise<RawResponse> {
  try {
    const response = await dispatcherRequest.call(dispatcher, {
      origin: raw.url.origin,
      path: raw.url.pathname + raw.url.search,
      method: raw.method,
      headers: raw.headers,
      body: raw.body ?? null,
      signal: raw.signal,
    });
    const body = await response.body.text();
    return { status: response.statusCode, headers: response.headers, body };
  } catch (error) {
    throw toNetworkError(error, raw.signal);
  }
}

function toNetworkError(error: unknown, signal: AbortSignal): NetworkError {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (signal.aborted) return new NetworkError('REQUEST_TIMEOUT', 'request timed out', error);
  if (typeof code === 'string' && /TIMEOUT/.test(code))
    return new NetworkError('REQUEST_TIMEOUT', message, error);
  if (typeof code === 'string' && TLS_CODES.test(code)) return new NetworkError('TLS_ERROR', message, error);
  return new NetworkError('NETWORK_ERROR', typeof code === 'string' ? `${code}: ${message}` : message, error);
}
