/**
 * Outbound HTTP for the ticket systems, and the retry around it. Redirects are never followed: only the
 * configured base URL is called, and a 3xx is treated as a refusal. Throttling (429, honouring
 * Retry-After), 408, 5xx and network failures retry as lib/retry.ts says; past the attempts — or when
 * the server asks for a longer wait than we may spend — the call throws TicketUnavailableError so the
 * event is retried by Lambda. Any other answer throws TicketRefusedError.
 */
import {
  NetworkError,
  TicketOutcomeUnknownError,
  TicketRefusedError,
  TicketUnavailableError,
} from '../errors.ts';
import { classifyHttpStatus, toNetworkError, withRetries } from '../retry.ts';

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
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      // fetch wraps the socket's error (its code says what failed) in a TypeError.
      throw toNetworkError((error as { cause?: unknown }).cause ?? error, signal);
    }
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

/**
 * Whether a request may be sent again after a failure that leaves its effect unknown. `once` (creating
 * an issue) retries only answers that say the request was not acted on — 429, 408 and 503 — and
 * throws TicketOutcomeUnknownError at once on a network failure or another 5xx.
 */
export type Repeat = 'idempotent' | 'once';

/** Answers that say the server did not act on the request: safe to send a `once` request again. */
const NOT_ACTED_ON = new Set([408, 429, 503]);

/**
 * Sends until a 2xx, under the project's retry loop (lib/retry.ts: which statuses and network failures
 * retry, full-jitter backoff, attempts, a server's Retry-After in place of the backoff up to
 * `maxRetryAfterMs`). `label` names the call in errors; no URL is put in one.
 */
export async function sendWithRetries(
  send: HttpSend,
  request: HttpRequest,
  options: RetryOptions,
  label: string,
  repeat: Repeat = 'idempotent',
): Promise<HttpAnswer> {
  const run = await withRetries<HttpAnswer>({
    maxAttempts: options.attempts,
    backoff: options,
    maxWaitMs: options.maxRetryAfterMs,
    random: options.random,
    sleep: options.sleep,
    now: () => options.now().getTime(),
    async attempt() {
      let answer: HttpAnswer;
      try {
        answer = await send(request);
      } catch (error) {
        // A certificate that fails verification fails again: not retried, and left to Lambda.
        if (error instanceof NetworkError && !error.retryable) throw error;
        if (repeat === 'once')
          throw new TicketOutcomeUnknownError(
            `${label}: no answer (${error instanceof Error ? error.message : String(error)}); it may have been done`,
            error,
          );
        return {
          ok: false,
          failure: 'transient',
          reason: error instanceof Error ? error.message : String(error),
        };
      }
      if (answer.status >= 200 && answer.status < 300) return { ok: true, value: answer };
      const failure = classifyHttpStatus(answer.status);
      if (repeat === 'once' && failure !== 'terminal' && !NOT_ACTED_ON.has(answer.status))
        throw new TicketOutcomeUnknownError(`${label}: HTTP ${answer.status}; it may have been done`);
      if (failure === 'terminal')
        throw new TicketRefusedError(
          answer.status,
          `${label} refused: HTTP ${answer.status} ${scrub(answer.text.slice(0, 300), request).slice(0, 200)}`,
        );
      return { ok: false, failure, reason: `HTTP ${answer.status}`, retryAfter: answer.retryAfter };
    },
  });
  if (run.ok) return run.value;
  if (run.stopped.reason === 'wait')
    throw new TicketUnavailableError(
      `${label}: ${run.reason}, asked to wait ${Math.ceil(run.stopped.waitMs / 1000)} s`,
    );
  throw new TicketUnavailableError(`${label} failed ${run.attempts} times: ${run.reason}`);
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
