/**
 * The rate governor: one per Huawei API host per container, shared by every decision in flight, so
 * parallel decisions against one account's gateway do not each discover its limit on their own.
 * Huawei publishes no per-API rate, so the governor learns it:
 *
 * - Until the first throttle it limits only concurrency, at the configured ceiling from the start: an
 *   API that never throttles costs nothing (a gentle start cost a round trip per doubling).
 * - The first throttle stops new attempts until the ones in flight have answered (at most a window,
 *   1 s), then sets a call rate: the successes of the last window, which is what the gateway let
 *   through. Waiting for the whole burst matters: its throttles and successes come back in any order,
 *   and a rate read at the first throttle could count none of them. From then on attempts are spaced
 *   1/rate apart.
 * - Each later throttle cuts the rate to 70% (multiplicative decrease), but only for an attempt that
 *   started after the previous cut: the calls already in flight were sent at the old rate and say
 *   nothing about the new one. Each success raises the rate by 2% (a slow climb back), so the rate
 *   settles just under what the gateway allows, with an occasional throttle to probe for more.
 *
 * `RateGovernorCore` is the pure state machine, driven by the caller's clock; `createGovernor` adds
 * a FIFO queue of waiting attempts and timers around it.
 */

export type GovernorOptions = {
  /** The configured concurrency: the governor never allows more attempts in flight. */
  maxConcurrency: number;
  /** The rate never drops below this, in calls per second. */
  minRatePerSec?: number;
  /** Factor applied to the rate on a throttle. */
  decrease?: number;
  /** Fraction of the rate added per success. */
  increase?: number;
  /** The window over which successes are counted for the first estimate, in ms. */
  windowMs?: number;
};

export type AttemptVerdict = 'ok' | 'throttled' | 'failed';

export type GovernorSnapshot = {
  /** Calls per second the governor spaces attempts at; null until the first throttle has been measured. */
  ratePerSec: number | null;
  /** Attempts allowed in flight now: 0 while the first throttle's burst is being measured. */
  concurrency: number;
  inFlight: number;
};

const MAX_RATE_PER_SEC = 10_000;
const FIRST_RATE_FLOOR = 1;
const FIRST_RATE_SHARE = 0.85;

export class RateGovernorCore {
  readonly #max: number;
  readonly #minRate: number;
  readonly #decrease: number;
  readonly #increase: number;
  readonly #windowMs: number;
  #rate = Number.POSITIVE_INFINITY;
  #inFlight = 0;
  #lastStartAt = Number.NEGATIVE_INFINITY;
  /** Attempts are numbered as they start; a cut remembers the last number started before it. */
  #started = 0;
  #startedBeforeCut = 0;
  #successes: number[] = [];
  /** Set by the first throttle: when it came. The burst in flight is measured until it has answered. */
  #measuringSince: number | undefined;

  constructor(options: GovernorOptions) {
    this.#max = Math.max(1, options.maxConcurrency);
    this.#minRate = options.minRatePerSec ?? 0.2;
    this.#decrease = options.decrease ?? 0.7;
    this.#increase = options.increase ?? 0.02;
    this.#windowMs = options.windowMs ?? 1_000;
  }

  /** Milliseconds until the next attempt may start: 0 now, Infinity until an attempt finishes. */
  waitMs(now: number): number {
    if (this.#measuringSince !== undefined) {
      const end = this.#measuringSince + this.#windowMs;
      // An attempt that hangs does not hold everything: the measure ends after a window.
      if (now < end) return end - now;
      this.#setFirstRate(now);
    }
    if (this.#inFlight >= this.#max) return Number.POSITIVE_INFINITY;
    if (!Number.isFinite(this.#rate)) return 0;
    return Math.max(0, this.#lastStartAt + 1_000 / this.#rate - now);
  }

  /** Records an attempt's start; the returned number identifies it to `finish`. */
  start(now: number): number {
    this.#inFlight += 1;
    this.#lastStartAt = now;
    this.#started += 1;
    return this.#started;
  }

  /** Records how the attempt numbered `attempt` (from `start`) ended. */
  finish(attempt: number, now: number, verdict: AttemptVerdict): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    if (verdict === 'ok') this.#succeeded(now);
    else if (verdict === 'throttled') this.#throttled(attempt, now);
    // The first throttle's burst has answered: what got through is known.
    if (this.#measuringSince !== undefined && this.#inFlight === 0) this.#setFirstRate(now);
  }

  snapshot(): GovernorSnapshot {
    return {
      ratePerSec: Number.isFinite(this.#rate) ? this.#rate : null,
      concurrency: this.#measuringSince === undefined ? this.#max : 0,
      inFlight: this.#inFlight,
    };
  }

  #succeeded(now: number): void {
    if (!Number.isFinite(this.#rate)) {
      this.#successes.push(now);
      this.#successes = this.#successes.filter((t) => t > now - this.#windowMs);
      return;
    }
    this.#rate = Math.min(MAX_RATE_PER_SEC, this.#rate * (1 + this.#increase));
  }

  #throttled(attempt: number, now: number): void {
    // Started before the last cut: sent at the old rate, it says nothing about the new one.
    if (attempt <= this.#startedBeforeCut) return;
    this.#startedBeforeCut = this.#started;
    if (Number.isFinite(this.#rate)) {
      this.#rate = Math.max(this.#minRate, this.#rate * this.#decrease);
      return;
    }
    // First throttle: back off at once; the rate is set when the burst in flight has answered.
    this.#measuringSince = now;
  }

  /**
   * What got through in the last window is what the gateway allows (a gateway's burst is commonly its
   * rate per second), started a little under it so the gateway's bucket refills while the rate climbs
   * back. At least one call a second, so one stray throttle early on does not stall the container.
   */
  #setFirstRate(now: number): void {
    const recent = this.#successes.filter((t) => t > now - this.#windowMs).length;
    this.#rate = Math.max(
      this.#minRate,
      FIRST_RATE_FLOOR,
      (FIRST_RATE_SHARE * recent * 1_000) / this.#windowMs,
    );
    this.#measuringSince = undefined;
    this.#successes = [];
  }
}

export type Permit = {
  /** Tells the governor how the attempt ended; call exactly once. */
  release(verdict: AttemptVerdict): void;
};

export type Governor = {
  /** Waits for the governor to allow an attempt; undefined when `deadlineAt` comes first. */
  acquire(deadlineAt: number): Promise<Permit | undefined>;
  snapshot(): GovernorSnapshot;
};

export type TimerFn = (fn: () => void, ms: number) => () => void;

const realTimer: TimerFn = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};

type Waiter = { resolve(permit: Permit | undefined): void; cancelDeadline(): void };

/** A governor with a FIFO queue: attempts start in the order they asked. */
export function createGovernor(
  options: GovernorOptions,
  clock: { now: () => number; setTimer?: TimerFn } = { now: Date.now },
): Governor {
  const core = new RateGovernorCore(options);
  const setTimer = clock.setTimer ?? realTimer;
  const waiters: Waiter[] = [];
  let cancelPump: (() => void) | undefined;

  function permitFor(attempt: number): Permit {
    let released = false;
    return {
      release(verdict) {
        if (released) return;
        released = true;
        core.finish(attempt, clock.now(), verdict);
        pump();
      },
    };
  }

  function schedulePump(ms: number): void {
    cancelPump?.();
    cancelPump = setTimer(pump, ms);
  }

  function pump(): void {
    cancelPump?.();
    cancelPump = undefined;
    for (;;) {
      const head = waiters[0];
      if (head === undefined) return;
      const now = clock.now();
      const wait = core.waitMs(now);
      if (wait === Number.POSITIVE_INFINITY) return; // a release pumps again
      if (wait > 0) {
        schedulePump(wait);
        return;
      }
      waiters.shift();
      head.cancelDeadline();
      head.resolve(permitFor(core.start(now)));
    }
  }

  return {
    acquire(deadlineAt) {
      return new Promise<Permit | undefined>((resolve) => {
        const remaining = deadlineAt - clock.now();
        if (remaining <= 0) return resolve(undefined);
        const waiter: Waiter = { resolve, cancelDeadline: () => {} };
        waiter.cancelDeadline = setTimer(() => {
          const at = waiters.indexOf(waiter);
          if (at >= 0) waiters.splice(at, 1);
          resolve(undefined);
          pump();
        }, remaining);
        waiters.push(waiter);
        pump();
      });
    },
    snapshot: () => core.snapshot(),
  };
}
