import { describe, expect, it } from 'vitest';
import { createGovernor, RateGovernorCore, type TimerFn } from '../../lib/huawei/governor.ts';

/** Starts as many attempts as the governor allows at `now`; returns their numbers. */
function startAll(core: RateGovernorCore, now: number): number[] {
  const started: number[] = [];
  while (core.waitMs(now) === 0) started.push(core.start(now));
  return started;
}

describe('RateGovernorCore', () => {
  it('starts with four attempts and doubles the window each round that ends well, up to the ceiling', () => {
    const core = new RateGovernorCore({ maxConcurrency: 16 });
    const sizes: number[] = [];
    for (let round = 0, now = 0; round < 5; round += 1, now += 50) {
      const started = startAll(core, now);
      sizes.push(started.length);
      for (const attempt of started) core.finish(attempt, now + 50, 'ok');
    }
    expect(sizes).toEqual([4, 8, 16, 16, 16]);
    expect(core.snapshot().ratePerSec).toBeNull();
  });

  it('keeps a slot freed early in the slow start until the round has answered', () => {
    const core = new RateGovernorCore({ maxConcurrency: 16 });
    const [first, , , last] = startAll(core, 0);
    core.finish(first as number, 10, 'ok');
    expect(core.waitMs(10)).toBe(Number.POSITIVE_INFINITY);
    core.finish(last as number, 20, 'ok');
    expect(core.waitMs(20)).toBe(0);
  });

  it('never lets more attempts than the ceiling be in flight', () => {
    const core = new RateGovernorCore({ maxConcurrency: 3 });
    expect(startAll(core, 0)).toHaveLength(3);
    expect(core.snapshot().inFlight).toBe(3);
  });

  it('sets the rate at the first throttle from what got through in the last second', () => {
    const core = new RateGovernorCore({ maxConcurrency: 16 });
    const round = startAll(core, 0);
    for (const attempt of round) core.finish(attempt, 100, 'ok'); // 4 successes
    const next = startAll(core, 100);
    for (const attempt of next.slice(0, 6)) core.finish(attempt, 200, 'ok'); // 10 in all
    core.finish(next[6] as number, 200, 'throttled');

    // 85% of the 10 calls a second the gateway let through.
    expect(core.snapshot().ratePerSec).toBeCloseTo(8.5);
    expect(core.snapshot().concurrency).toBe(16);
  });

  it('spaces attempts 1/rate apart once it has a rate', () => {
    const core = new RateGovernorCore({ maxConcurrency: 16 });
    const [attempt] = startAll(core, 0).slice(-1);
    core.finish(attempt as number, 10, 'throttled'); // no success yet: the floor, one call a second
    expect(core.snapshot().ratePerSec).toBe(1);
    const at = core.start(1_000);
    expect(core.waitMs(1_000)).toBe(1_000);
    expect(core.waitMs(1_600)).toBe(400);
    expect(core.waitMs(2_000)).toBe(0);
    core.finish(at, 1_050, 'ok');
  });

  it('cuts the rate once for attempts sent at the old rate, and again for one sent after the cut', () => {
    const core = new RateGovernorCore({ maxConcurrency: 16 });
    const early = startAll(core, 0);
    for (const attempt of early.slice(0, 2)) core.finish(attempt, 50, 'ok');
    core.finish(early[2] as number, 60, 'throttled');
    const rate = core.snapshot().ratePerSec as number;
    core.finish(early[3] as number, 61, 'throttled'); // started before the cut: ignored
    expect(core.snapshot().ratePerSec).toBe(rate);

    const late = core.start(2_000);
    core.finish(late, 2_050, 'throttled');
    expect(core.snapshot().ratePerSec).toBeCloseTo(rate * 0.7);
  });

  it('climbs back 2% per success and never drops below the minimum', () => {
    const core = new RateGovernorCore({ maxConcurrency: 16, minRatePerSec: 0.5 });
    const [first] = startAll(core, 0);
    core.finish(first as number, 10, 'throttled');
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
    const governor = createGovernor({ maxConcurrency: 1, initialConcurrency: 1 }, clock);
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
    const governor = createGovernor({ maxConcurrency: 1, initialConcurrency: 1 }, clock);
    const held = await governor.acquire(10_000);
    const waiting = governor.acquire(500);
    await clock.advance(500);
    expect(await waiting).toBeUndefined();
    held?.release('ok');
    expect(await governor.acquire(0)).toBeUndefined();
  });

  it('holds the next attempt until the rate allows it', async () => {
    const clock = manualClock();
    const governor = createGovernor({ maxConcurrency: 4, initialConcurrency: 1 }, clock);
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
});
