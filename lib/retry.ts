/**
 * The one retry policy: which failures retry, how long to wait, and when to stop. Used by the Huawei
 * client (with its rate governor for throttling) and by the chat notifier. Modelled on undici's
 * retry-handler: a visible table of what retries, full-jitter backoff with a ceiling, an overall deadline.
 *
 * | failure                                  | class         | retried                                   |
 * |------------------------------------------|---------------|-------------------------------------------|
 * | 429; Huawei APIGW.0308, APIG.0308         | throttled     | until the deadline, paced by the governor |
 * | 400 EndPoint.0022; 500 APIG.9008          | throttled     | until the deadline, paced by the governor |
 * | 408, other 5xx; EndPoint.0001/0013/2004/  | transient     | up to maxAttempts, with backoff           |
 * |   2019/2051; APIC.9007 (at most 2)        |               |                                           |
 * | network: reset, refused, DNS, timeouts    | transient     | up to maxAttempts, with backoff           |
 * | TLS (certificate, handshake refused)       | terminal      | never: it fails the same way again        |
 * | answer larger than the cap                | terminal      | never                                     |
 * | 401, 403, 404 and other 4xx               | terminal      | never (5 failed signatures lock the AK)   |
 * | EndPoint.2014 "already connected"         | maybe_success | never: read the status instead            |
 * | the decision's deadline                   | —             | not here: the outcome says retryable and  |
 * |                                           |               | the next delivery carries on              |
 * | a wait (Retry-After) past the maximum      | —             | not here: handed back for the platform    |
 * |                                           |               | (Lambda, the sweep) to retry later        |
 *
 * Huawei codes are compared case-insensitively: VPCEP spells its prefix `EndPoint.` and `Endpoint.`.
 */
import { type FailureClass, NetworkError } from './errors.ts';

/** Huawei codes whose class is not what their HTTP status alone would say. */
export const HUAWEI_CODE_CLASSES: Readonly<Record<string, FailureClass>> = {
  // Throttling, in the three shapes the gateways use.
  'apigw.0308': 'throttled',
  'apig.0308': 'throttled',
  'endpoint.0022': 'throttled', // VPCEP throttles with a 400
  'apig.9008': 'throttled', // APIG throttles with a 500 "Too many requests"
  // Transient, whatever their status.
  'endpoint.0001': 'transient',
  'endpoint.0013': 'transient',
  'endpoint.2004': 'transient', // service unavailable
  'endpoint.2019': 'transient', // endpoint still being created
  'endpoint.2051': 'transient',
  'apic.9007': 'transient', // "failed to access VPCEP": retried at most a couple of times, see MAX_ATTEMPTS_BY_CODE
  // The action may already have happened: confirm by reading the status, never by repeating the call.
  'endpoint.2014': 'maybe_success',
};

/** HTTP statuses that retry when no code says otherwise. */
export const RETRY_STATUSES: Readonly<Record<number, FailureClass>> = {
  408: 'transient',
  429: 'throttled',
};

/** Network error codes (node and undici) that mean "no answer, try again". Anything unknown is retried too. */
export const NETWORK_CODES: readonly string[] = [
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
];

/** TLS failures: never retried, a certificate that fails verification fails again. */
export const TLS_CODE_PATTERN = /^(CERT_|ERR_TLS|ERR_SSL|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED)/;

/** Per-code caps on attempts, for codes that rarely clear by waiting. */
const MAX_ATTEMPTS_BY_CODE: Readonly<Record<string, number>> = {
  'apic.9007': 2,
};

/**
 * Classifies an error answer. 401/403/404 never retry: five failed authentications in a row lock the
 * AK for five minutes, and a missing resource does not appear by waiting.
 */
export function classifyFailure(httpStatus: number, errorCode: string | undefined): FailureClass {
  const known = errorCode === undefined ? undefined : HUAWEI_CODE_CLASSES[errorCode.toLowerCase()];
  if (known !== undefined) return known;
  return classifyHttpStatus(httpStatus);
}

/** The class of a bare HTTP status (no Huawei code): 429 throttled, 408 and 5xx transient, the rest terminal. */
export function classifyHttpStatus(httpStatus: number): FailureClass {
  const known = RETRY_STATUSES[httpStatus];
  if (known !== undefined) return known;
  return httpStatus >= 500 ? 'transient' : 'terminal';
}

/** How many attempts a failure with this code may use, given the configured maximum. */
export function maxAttemptsFor(errorCode: string | undefined, configured: number): number {
  const cap = errorCode === undefined ? undefined : MAX_ATTEMPTS_BY_CODE[errorCode.toLowerCase()];
  return cap === undefined ? configured : Math.min(cap, configured);
}

/** What an HTTP stack threw, in the taxonomy: timeouts, TLS failures (never retried), the rest. */
export function toNetworkError(error: unknown, signal: AbortSignal): NetworkError {
  if (error instanceof NetworkError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (signal.aborted) return new NetworkError('REQUEST_TIMEOUT', 'request timed out', error);
  if (typeof code === 'string' && TLS_CODE_PATTERN.test(code))
    return new NetworkError('TLS_ERROR', `${code}: ${message}`, error);
  if (typeof code === 'string' && /TIMEOUT/.test(code))
    return new NetworkError('REQUEST_TIMEOUT', message, error);
  return new NetworkError('NETWORK_ERROR', typeof code === 'string' ? `${code}: ${message}` : message, error);
}

export type BackoffOptions = {
  /** First retry's ceiling, in ms. */
  baseMs: number;
  /** No wait is ever longer than this. */
  maxMs: number;
};

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff and Jitter"):
 * a uniform wait in [0, min(max, base·2^retry)). Throttling starts one step higher, since the
 * gateway has said it is saturated. `random` is injected so tests are deterministic.
 */
export function backoffDelay(
  retry: number,
  failure: FailureClass,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponent = retry + (failure === 'throttled' ? 1 : 0);
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

export type RetryState = {
  failure: FailureClass;
  errorCode: string | undefined;
  /** Attempts so far that failed as transient (throttles do not count: the deadline bounds them). */
  transientFailures: number;
  maxAttempts: number;
  now: number;
  deadlineAt: number;
  /** The wait the server asked for (its Retry-After, parsed), which replaces the backoff. */
  retryAfterMs?: number;
};

export type RetryStep =
  | { retry: true; waitMs: number }
  | { retry: false; reason: 'terminal' | 'attempts' | 'deadline' }
  /** The wait is longer than the caller may spend in process: the platform retries later. */
  | { retry: false; reason: 'wait'; waitMs: number };

export type StepOptions = BackoffOptions & {
  paced?: boolean;
  /** No wait longer than this is waited out (by default any). */
  maxWaitMs?: number;
};

/**
 * The next step after a failed attempt. Throttles retry until the deadline (the wait is left to a
 * pacer, such as the Huawei client's governor, when `paced`); transient failures retry up to the
 * attempt count, each after a backoff — or the server's Retry-After — that must end before the
 * deadline and within the maximum wait. A server asking for more than the maximum wait is answered
 * at once, whatever attempts are left: waiting less than it asked would only be refused again.
 */
export function nextRetryStep(
  state: RetryState,
  options: StepOptions,
  random: () => number = Math.random,
): RetryStep {
  if (state.failure !== 'throttled' && state.failure !== 'transient')
    return { retry: false, reason: 'terminal' };
  const maxWaitMs = options.maxWaitMs ?? Number.POSITIVE_INFINITY;
  const asked = state.retryAfterMs;
  if (asked !== undefined && asked > maxWaitMs) return { retry: false, reason: 'wait', waitMs: asked };
  // Unpaced, a throttle counts against the attempts like any other failure.
  if (state.failure === 'transient' || options.paced !== true) {
    if (state.transientFailures >= maxAttemptsFor(state.errorCode, state.maxAttempts))
      return { retry: false, reason: 'attempts' };
  }
  const waitMs =
    state.failure === 'throttled' && options.paced === true
      ? 0
      : (asked ?? backoffDelay(Math.max(0, state.transientFailures - 1), state.failure, options, random));
  if (waitMs > maxWaitMs) return { retry: false, reason: 'wait', waitMs };
  if (state.now + waitMs >= state.deadlineAt) return { retry: false, reason: 'deadline' };
  return { retry: true, waitMs };
}

/** Longest Retry-After believed: a server's hour-long or garbage-sized number is read as this. */
export const RETRY_AFTER_CAP_MS = 3_600_000;

/** RFC 9110's HTTP-date: IMF-fixdate, the obsolete RFC 850 form, or asctime (which names no zone). */
const HTTP_DATE =
  /^(?:[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT|[A-Z][a-z]{5,8}, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT|(?<asctime>[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}))$/;

/**
 * A Retry-After header as the wait it asks for, in ms: delay-seconds or an HTTP-date (a past date is
 * no wait), at most `capMs`. Undefined when absent or unreadable, so the backoff applies. Dates are
 * matched to the RFC's forms first: Date.parse reads "soon 1" as a day in 2001.
 */
export function parseRetryAfter(
  header: string | null | undefined,
  now: number,
  capMs: number = RETRY_AFTER_CAP_MS,
): number | undefined {
  const value = header?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return Math.min(capMs, Number(value) * 1000);
  const date = HTTP_DATE.exec(value);
  if (date === null) return undefined;
  // asctime carries no zone, and HTTP dates are always GMT.
  const at = Date.parse(date.groups?.asctime === undefined ? value : `${value} GMT`);
  return Number.isNaN(at) ? undefined : Math.min(capMs, Math.max(0, at - now));
}

/** One attempt's result: a value, or a failure class, what went wrong, and the server's Retry-After. */
export type AttemptResult<T> =
  | { ok: true; value: T }
  | { ok: false; failure: FailureClass; reason: string; retryAfter?: string | null | undefined };

export type RetryRun<T> = {
  maxAttempts: number;
  backoff: BackoffOptions;
  /** Epoch ms; by default no deadline. */
  deadlineAt?: number;
  /** A wait longer than this stops the run (reason `wait`) for the platform to retry; by default any. */
  maxWaitMs?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** One attempt. What it throws is not retried: it ends the run. */
  attempt(n: number): Promise<AttemptResult<T>>;
};

export type RetryRunResult<T> =
  | { ok: true; value: T; attempts: number }
  | {
      ok: false;
      failure: FailureClass;
      reason: string;
      attempts: number;
      stopped: Extract<RetryStep, { retry: false }>;
    };

/**
 * Runs attempts under the policy above, for callers without a pacer (the chat notifier, the Slack
 * approval request, the ticket clients). A failure's Retry-After replaces the backoff. Returns the
 * value, or the last failure with why it stopped.
 */
export async function withRetries<T>(run: RetryRun<T>): Promise<RetryRunResult<T>> {
  const sleep = run.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = run.now ?? Date.now;
  let failures = 0;
  for (let n = 1; ; n += 1) {
    const result = await run.attempt(n);
    if (result.ok) return { ...result, attempts: n };
    failures += 1;
    const at = now();
    const retryAfterMs = parseRetryAfter(result.retryAfter, at);
    const step = nextRetryStep(
      {
        failure: result.failure,
        errorCode: undefined,
        transientFailures: failures,
        maxAttempts: run.maxAttempts,
        now: at,
        deadlineAt: run.deadlineAt ?? Number.POSITIVE_INFINITY,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      },
      run.maxWaitMs === undefined ? run.backoff : { ...run.backoff, maxWaitMs: run.maxWaitMs },
      run.random,
    );
    if (!step.retry)
      return { ok: false, failure: result.failure, reason: result.reason, attempts: n, stopped: step };
    await sleep(step.waitMs);
  }
}
