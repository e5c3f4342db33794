/**
 * The simulated gateways' rate limits: one token bucket per API (VPCEP, APIG), answering past it the
 * way each API throttles — VPCEP `400 EndPoint.0022`, APIG `429 APIGW.0308` and, every fourth time,
 * `500 APIG.9008` (the real gateway answers both; which one is not documented).
 */
import type { TargetKind } from './state.ts';

export type RateLimit = { ratePerSec: number; burst: number };
export type RateLimits = Partial<Record<TargetKind, RateLimit>>;

export type ThrottleReply = { status: number; code: string; message: string };

/** A token bucket: `burst` tokens, refilled at `ratePerSec`; each call takes one. */
export class TokenBucket {
  readonly #limit: RateLimit;
  #tokens: number;
  #at: number;

  constructor(limit: RateLimit, now: number) {
    this.#limit = limit;
    this.#tokens = limit.burst;
    this.#at = now;
  }

  /** Takes a token if there is one. */
  take(now: number): boolean {
    const refill = ((now - this.#at) / 1_000) * this.#limit.ratePerSec;
    this.#tokens = Math.min(this.#limit.burst, this.#tokens + refill);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** The buckets of both APIs; `check` answers undefined for a call let through. */
export function createRateLimiter(limits: RateLimits, now: () => number = Date.now) {
  const buckets = new Map<TargetKind, TokenBucket>();
  for (const [kind, limit] of Object.entries(limits) as Array<[TargetKind, RateLimit]>)
    buckets.set(kind, new TokenBucket(limit, now()));
  let apigThrottles = 0;
  return {
    check(kind: TargetKind): ThrottleReply | undefined {
      const bucket = buckets.get(kind);
      if (bucket === undefined || bucket.take(now())) return undefined;
      if (kind === 'vpcep') return { status: 400, code: 'EndPoint.0022', message: 'Too many requests.' };
      apigThrottles += 1;
      return apigThrottles % 4 === 0
        ? { status: 500, code: 'APIG.9008', message: 'Too many requests' }
        : {
            status: 429,
            code: 'APIGW.0308',
            message: 'The throttling threshold has been reached: policy user over ratelimit',
          };
    },
  };
}

/**
 * Parses `vpcep=10,apig=2/5` (calls per second, optionally `/burst`; the burst defaults to the rate),
 * the form of the simulator's `--rate-limit` option and SIMULATOR_RATE_LIMIT.
 */
export function parseRateLimits(text: string): RateLimits {
  const limits: RateLimits = {};
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const m = /^(vpcep|apig)=(\d+(?:\.\d+)?)(?:\/(\d+))?$/.exec(part);
    if (m === null)
      throw new Error(`rate limit "${part}": expected vpcep=<calls/s>[/<burst>] or apig=<calls/s>[/<burst>]`);
    const ratePerSec = Number(m[2]);
    if (ratePerSec <= 0) throw new Error(`rate limit "${part}": the rate must be above 0`);
    limits[m[1] as TargetKind] = {
      ratePerSec,
      burst: m[3] === undefined ? Math.max(1, Math.ceil(ratePerSec)) : Math.max(1, Number(m[3])),
    };
  }
  return limits;
}
