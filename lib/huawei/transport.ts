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
 * `VPCEP_APPROVAL_HTTP_CLIENT` chooses; `createTransport` (create-transport.ts) loads only that module.
 */
import { ResponseTooLargeError } from '../errors.ts';

export { toNetworkError } from '../retry.ts';

export type RawRequest = {
  method: 'GET' | 'POST' | 'PUT';
  url: URL;
  headers: Record<string, string>;
  body: Uint8Array | undefined;
  /** Cuts this attempt: the per-request timeout combined with the decision's deadline. */
  signal: AbortSignal;
  /** Told when this request has been handed to the network, as `onRequestWritten` is for every request. */
  onWritten?: (() => void) | undefined;
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
  /** Longest answer read, in bytes (DEFAULT_MAX_RESPONSE_BYTES unless set). */
  maxResponseBytes?: number;
};

export type HttpClientKind = 'undici' | 'node';

/** Huawei's answers are small (a full connection page is well under 1 MB); a body past this is cut. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * Collects a body's chunks up to `limit` bytes; past it, `push` throws ResponseTooLargeError and the
 * transport stops reading, so a runaway answer never sits in memory whole.
 */
export function cappedBody(limit: number): { push(chunk: Uint8Array): void; text(): string } {
  const chunks: Uint8Array[] = [];
  let size = 0;
  return {
    push(chunk) {
      size += chunk.byteLength;
      if (size > limit) throw new ResponseTooLargeError(limit);
      chunks.push(chunk);
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

/** A declared Content-Length already past the cap fails before any of the body is read. */
export function declaredTooLarge(headers: RawResponse['headers'], limit: number): boolean {
  const value = headers['content-length'];
  const length = Number(Array.isArray(value) ? value[0] : value);
  return Number.isFinite(length) && length > limit;
}
