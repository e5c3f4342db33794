import { describe, expect, it } from 'vitest';
import { createGovernor, RateGovernorCore, type TimerFn } from '../../lib/huawei/governor.ts';

/** Starts as many attempts as the governor allows at `now`; returns their numbers. */
function startAll(core: RateGovernorCore, now: number): number[] {
  const started: number[] = [];
  while (core.waitMs(now) === 0) started.push(core.start(now));
  return started;
}

describe('RateGovernorCore', () => {
  it('starts at the configured concurrency and stays there while nothing throttles', () => {
    const core = new RateGovernorCore({ maxConcurrency: 16 });
    const sizes: number[] = [];
    for (let round = 0, now = 0; round < 3; round += 1, now += 50) {
      const started = startAll(core, now);
      sizes.push(started.length);
      for (const attempt of started) core.finish(attempt, now + 50, 'ok');
    }
    expect(sizes).toEqual([16, 16, 16]);
    expect(core.snapshot()).toEqual({ ratePerSec: null, concurrency: 16, inFlight: 0 });
  });

  it('lets a slot freed early start the next attempt at once', () => {
    const core = new RateGovernorCore({ maxConcurrency: 4 });
    const [first] = startAll(core, 0);
    expect(core.waitMs(10)).toBe(Number.POSITIVE_INFINITY);
    core.finish(first as number, 10, 'ok');
    expect(core.waitMs(10)).toBe(0);
  });

  it('never lets more attempts than the ceiling be in flight', () => {
    const core = new RateGovernorCore({ maxConcurrency: 3 });
    expect(startAll(core, 0)).toHaveLength(3);
    expect(core.snapshot().inFlight).toBe(3);
  });

  it('backs off at the first throttle, and sets the rate once the burst in flight has answered', () => {
    const core = new RateGovernorCore({ maxConcurrency: 16 });
    const burst = startAll(core, 0);
    // The throttle comes back before any success of the same burst.
    core.finish(burst[0] as number, 50, 'throttled');
    expect(core.waitMs(50)).toBeGreaterThan(0);
    expect(core.snapshot()).toMatchObject({ ratePerSec: null, concurrency: 0 });
    for (const attempt of burst.slice(1, 11)) core.finish(attempt, 51, 'ok');
    for (const attempt of burst.slice(11, -1)) core.finish(attempt, 52, 'throttled');
    expect(core.snapshot().ratePerSec).toBeNull();
    core.finish(burst.at(-1) as number, 53, 'throttled');

    // 85% of the 10 calls a second the gateway let through.
    expect(core.snapshot().ratePerSec).toBeCloseTo(8.5);
    expect(core.snapshot().concurrency).toBe(16);
  });

  it('ends the measure after a window when an attempt of the burst does not answer', () => {
    const core = new RateGovernorCore({ maxConcurrency: 16 });
    const [throttled, a, b] = [core.start(0), core.start(0), core.start(0), core.start(0)];
    core.finish(throttled, 50, 'throttled');
    core.finish(a, 60, 'ok');
    core.finish(b, 60, 'ok');

    expect(core.waitMs(60)).toBe(990);
    expect(core.waitMs(1_050)).toBe(0);
    expect(core.snapshot().ratePerSec).toBeCloseTo(1.7);
  });

  it('spaces attempts 1/rate apart once it has a rate', () => {
    const core = new RateGovernorCore({ maxConcurrency: 16 });
    core.finish(core.start(0), 10, 'throttled'); // no success yet: the floor, one call a second
    expect(core.snapshot().ratePerSec).toBe(1);
    const at = core.start(1_000);
    expect(core.waitMs(1_000)).toBe(1_000);
    expect(core.waitMs(1_600)).toBe(400);
    expect(core.waitMs(2_000)).toBe(0);
    core.finish(at, 1_050, 'ok');
  });

  it('cuts the rate once for attempts sent at the old rate, and again for one sent after the cut', () => {
    const core = new RateGovernorCore({ maxConcurrency: 16 });
    const early = [core.start(0), core.start(0), core.start(0)];
    for (const attempt of early.slice(0, 2)) core.finish(attempt, 50, 'ok');
    core.finish(early[2] as number, 60, 'throttled');
    const rate = core.snapshot().ratePerSec as number;
    const sent = core.start(1_000);
    core.finish(sent, 1_050, 'throttled');
    expect(core.snapshot().ratePerSec).toBeCloseTo(rate * 0.7);
    const [before, after] = [core.start(2_000), core.start(2_000)];
    core.finish(before, 2_050, 'throttled');
    expect(core.snapshot().ratePerSec).toBeCloseTo(rate * 0.7 * 0.7);
    core.finish(after, 2_051, 'throttled'); // started before that cut: ignored
    expect(core.snapshot().ratePerSec).toBeCloseTo(rate * 0.7 * 0.7);
  });

  it('climbs back 2% per success and never drops below the minimum', () => {
    const core = new RateGovernorCore({ maxConcurrency: 16, minRatePerSec: 0.5 });
    core.finish(core.start(0), 10, 'throttled');
    for (let i = 0; i < 20; i += 1) core.finish(core.start(1_000 + i), 2_000 + i, 'throttled');
    expect(core.snapshot().ratePerSec).toBe(0.5);
    core.finish(core.start(3_000), 3_010, 'ok');
    expect(core.snapshot().ratePerSec).toBeCloseTo(0.51);
  });
});

/** Timers run only when the test advances the clock. */
function manualClock() {
  let now = 0;
  let timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  const setTimer: TimerFn = (fn, ms) => {
    const timer = { at: now + ms, fn, live: true };
    timers.push(timer);
    return () => {
      timer.live = false;
    };
  };
  const advance = async (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      now = due.at;
      due.live = false;
      timers = timers.filter((t) => t.live);
      due.fn();
      await Promise.resolve();
    }
    now = end;
  };
  return { now: () => now, setTimer, advance };
}

describe('createGovernor', () => {
  it('lets waiting attempts start in the order they asked, as slots free up', async () => {
    const clock = manualClock();
    const governor = createGovernor({ maxConcurrency: 1 }, clock);
    const order: string[] = [];
    const first = await governor.acquire(10_000);
    const second = governor.acquire(10_000).then((p) => {
      order.push('second');
      return p;
    });
    const third = governor.acquire(10_000).then((p) => {
      order.push('third');
      return p;
    });
    await clock.advance(10);
    expect(order).toEqual([]);
    first?.release('ok');
    (await second)?.release('ok');
    await third;
    expect(order).toEqual(['second', 'third']);
  });

  it('answers undefined when the deadline comes before a slot', async () => {
    const clock = manualClock();
    const governor = createGovernor({ maxConcurrency: 1 }, clock);
    const held = await governor.acquire(10_000);
    const waiting = governor.acquire(500);
    await clock.advance(500);
    expect(await waiting).toBeUndefined();
    held?.release('ok');
    expect(await governor.acquire(0)).toBeUndefined();
  });

  it('holds the next attempt until the rate allows it', async () => {
    const clock = manualClock();
    const governor = createGovernor({ maxConcurrency: 4 }, clock);
    (await governor.acquire(60_000))?.release('throttled'); // rate: one a second
    let started = false;
    const next = governor.acquire(60_000).then((p) => {
      started = true;
      return p;
    });
    await clock.advance(999);
    expect(started).toBe(false);
    await clock.advance(1);
    await next;
    expect(started).toBe(true);
  });

  it('holds waiting attempts from the first throttle until the burst in flight has answered', async () => {
    const clock = manualClock();
    const governor = createGovernor({ maxConcurrency: 2 }, clock);
    const [first, second] = await Promise.all([governor.acquire(60_000), governor.acquire(60_000)]);
    let started = false;
    const next = governor.acquire(60_000).then((p) => {
      started = true;
      return p;
    });
    first?.release('throttled');
    await clock.advance(500);
    expect(started).toBe(false); // a slot is free, but the burst has not answered
    second?.release('ok');
    // Then the rate it measured (one call a second, the floor) spaces the next attempt.
    await clock.advance(499);
    expect(started).toBe(false);
    await clock.advance(1);
    await next;
    expect(started).toBe(true);
  });
});
