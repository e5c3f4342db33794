/**
 * Outbound HTTP for the ticket systems, and the retry around it. Redirects are never followed: only the
 * configured base URL is called, and a 3xx is treated as a refusal. Throttling (429, honouring
 * Retry-After), 5xx and network failures retry with full-jitter backoff; past the attempts — or when
 * the server asks for a longer wait than we may spend — the call throws TicketUnavailableError so the
 * event is retried by Lambda. Anything else throws TicketRefusedError.
 */

import { TicketRefusedError, TicketUnavailableError } from '../errors.ts';
import { backoffDelay } from '../huawei/retry-policy.ts';

export type HttpRequest = {
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  headers: Record<string, string>;
  body?: string;
};

export type HttpAnswer = { status: number; retryAfter: string | null; text: string };

export type HttpSend = (request: HttpRequest) => Promise<HttpAnswer>;

/** The real adapter: fetch, bounded in time, redirects left unfollowed. */
export function fetchSend(timeoutMs = 5_000): HttpSend {
  return async (request) => {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      text: await response.text(),
    };
  };
}

export type RetryOptions = {
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => Date;
  attempts: number;
  baseMs: number;
  maxMs: number;
  /** A longer Retry-After than this is left to Lambda's retries rather than waited out in process. */
  maxRetryAfterMs: number;
};

export const DEFAULT_RETRY: RetryOptions = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  now: () => new Date(),
  attempts: 3,
  baseMs: 250,
  maxMs: 4_000,
  maxRetryAfterMs: 10_000,
};

/** Sends until a 2xx; `label` names the call in errors (never a URL with secrets: none is built). */
export async function sendWithRetries(
  send: HttpSend,
  request: HttpRequest,
  options: RetryOptions,
  label: string,
): Promise<HttpAnswer> {
  let last = '';
  for (let attempt = 1; attempt <= options.attempts; attempt += 1) {
    let wait: number | undefined;
    try {
      const answer = await send(request);
      if (answer.status >= 200 && answer.status < 300) return answer;
      if (answer.status !== 429 && answer.status < 500)
        throw new TicketRefusedError(
          answer.status,
          `${label} refused: HTTP ${answer.status} ${scrub(answer.text.slice(0, 300), request).slice(0, 200)}`,
        );
      last = `HTTP ${answer.status}`;
      wait = answer.status === 429 ? retryAfterMs(answer.retryAfter, options.now()) : undefined;
      if (wait !== undefined && wait > options.maxRetryAfterMs)
        throw new TicketUnavailableError(`${label}: throttled, asked to wait ${Math.ceil(wait / 1000)} s`);
    } catch (error) {
      if (error instanceof TicketRefusedError || error instanceof TicketUnavailableError) throw error;
      last = error instanceof Error ? error.message : String(error);
    }
    if (attempt < options.attempts)
      await options.sleep(
        wait ??
          backoffDelay(attempt - 1, last === 'HTTP 429' ? 'throttled' : 'transient', options, options.random),
      );
  }
  throw new TicketUnavailableError(`${label} failed ${options.attempts} times: ${last}`);
}

/**
 * The answer's text goes into an error and so a log line: a server that echoes the request back must
 * not make it carry our credentials, so they are cut out first.
 */
function scrub(text: string, request: HttpRequest): string {
  const secrets: string[] = [];
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const credential = authorization.slice(authorization.indexOf(' ') + 1);
    secrets.push(authorization, credential);
    if (authorization.startsWith('Basic '))
      secrets.push(...Buffer.from(credential, 'base64').toString('utf8').split(':'));
  }
  if (request.headers['content-type'] === 'application/x-www-form-urlencoded' && request.body !== undefined) {
    const secret = new URLSearchParams(request.body).get('client_secret');
    if (secret !== null) secrets.push(secret, encodeURIComponent(secret));
  }
  return secrets
    .filter((s) => s.length >= 6)
    .reduce((out, secret) => out.replaceAll(secret, '[redacted]'), text);
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: Date): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
