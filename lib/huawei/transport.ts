/**
 * One HTTP attempt over undici: a keep-alive pool per host, connect and request timeouts, TLS verified
 * (undici's default; nothing here turns it off). Failures without an answer become NetworkError.
 */
import { Agent, type Dispatcher, request } from 'undici';
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

export type RawResponse = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

const TLS_CODES = /^(CERT_|ERR_TLS|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED)/;

/** Sends one request and reads the whole body; throws NetworkError when no answer arrives. */
export async function sendOnce(dispatcher: Dispatcher, raw: RawRequest): Promise<RawResponse> {
  try {
    const response = await request(raw.url, {
      dispatcher,
      method: raw.method,
      headers: raw.headers,
      body: raw.body,
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
  if (typeof code === 'string' && /TIMEOUT/.test(code)) return new NetworkError('REQUEST_TIMEOUT', message, error);
  if (typeof code === 'string' && TLS_CODES.test(code)) return new NetworkError('TLS_ERROR', message, error);
  return new NetworkError('NETWORK_ERROR', typeof code === 'string' ? `${code}: ${message}` : message, error);
}
