/**
 * One HTTP attempt: what the client needs from an HTTP stack, and the two stacks that provide it.
 * Both keep a keep-alive pool per host, apply connect and request timeouts, verify TLS (their default;
 * nothing here turns it off), and turn a failure without an answer into a NetworkError.
 *
 * - `undici` (the default: CLI, local stack, long-running processes).
 * - `node` (node:http/https), for Lambda: the AWS SDK's SNS and SQS clients load node:http/https
 *   anyway, so the functions need not load a second network stack at cold start. Measured here
 *   (Node 24, minified bundles, built-ins loaded by require): load and first request ≈ 34 ms with
 *   undici, ≈ 17 ms with node:http/https.
 * `VPCEP_APPROVAL_HTTP_CLIENT` chooses; only the chosen module is loaded.
 */
import { NetworkError } from '../errors.ts';

export type RawRequest = {
  method: 'GET' | 'POST' | 'PUT';
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

export type Transport = {
  send(request: RawRequest): Promise<RawResponse>;
  close(): Promise<void>;
};

export type TransportOptions = {
  connectTimeoutMs: number;
  /** Most sockets kept open to one host: the executor's concurrency, so no call waits for a socket. */
  connectionsPerHost: number;
  /**
   * Told each time a request has been handed to the network and the transport waits for the answer:
   * the moment other work costs the call nothing (see the container's SNS warm-up).
   */
  onRequestWritten?: () => void;
};

export type HttpClientKind = 'undici' | 'node';

export async function createTransport(kind: HttpClientKind, options: TransportOptions): Promise<Transport> {
  if (kind === 'node') return (await import('./transport-node.ts')).createNodeTransport(options);
  return (await import('./transport-undici.ts')).createUndiciTransport(options);
}

const TLS_CODES = /^(CERT_|ERR_TLS|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED)/;

/** What an HTTP stack threw, in the taxonomy: timeouts, TLS failures (never retried), the rest. */
export function toNetworkError(error: unknown, signal: AbortSignal): NetworkError {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (signal.aborted) return new NetworkError('REQUEST_TIMEOUT', 'request timed out', error);
  if (typeof code === 'string' && /TIMEOUT/.test(code))
    return new NetworkError('REQUEST_TIMEOUT', message, error);
  if (typeof code === 'string' && TLS_CODES.test(code)) return new NetworkError('TLS_ERROR', message, error);
  return new NetworkError('NETWORK_ERROR', typeof code === 'string' ? `${code}: ${message}` : message, error);
}
