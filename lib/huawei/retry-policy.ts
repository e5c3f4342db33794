/**
 * Which Huawei Cloud failures retry, and how long to wait: the one table, from §3 of the API notes.
 * Codes are compared case-insensitively because VPCEP spells its prefix both `EndPoint.` and `Endpoint.`.
 */
import type { FailureClass } from '../errors.ts';

/** Codes whose class is not what their HTTP status alone would say. */
const CODE_CLASSES: Readonly<Record<string, FailureClass>> = {
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

/** Per-code caps on attempts, for codes that rarely clear by waiting. */
const MAX_ATTEMPTS_BY_CODE: Readonly<Record<string, number>> = {
  'apic.9007': 2,
};

/**
 * Classifies an error answer. 401/403/404 never retry: five failed authentications in a row lock the
 * AK for five minutes, and a missing resource does not appear by waiting.
 */
export function classifyFailure(httpStatus: number, errorCode: string | undefined): FailureClass {
  const known = errorCode === undefined ? undefined : CODE_CLASSES[errorCode.toLowerCase()];
  if (known !== undefined) return known;
  if (httpStatus === 429) return 'throttled';
  if (httpStatus === 408 || httpStatus >= 500) return 'transient';
  return 'terminal';
}

/** How many attempts a failure with this code may use, given the configured maximum. */
export function maxAttemptsFor(errorCode: string | undefined, configured: number): number {
  const cap = errorCode === undefined ? undefined : MAX_ATTEMPTS_BY_CODE[errorCode.toLowerCase()];
  return cap === undefined ? configured : Math.min(cap, configured);
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
