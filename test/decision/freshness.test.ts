import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_DECISION_AGE_MS,
  type DecisionTiming,
  judgeFreshness,
  type LastApplied,
  parseMaxDecisionAge,
  resolveDecidedAt,
} from '../../lib/decision/freshness.ts';
import { ConfigError } from '../../lib/errors.ts';

const EP1 = '705290f3-0d00-41f2-aedc-71f09844e879';
const EP2 = '8c1e6a52-3b9f-4d17-9a0e-2f5b7c4d1e63';
const now = new Date('2026-11-26T10:00:00.000Z');
const options = { now, maxAgeMs: DEFAULT_MAX_DECISION_AGE_MS };

const lastOf =
  (entries: Record<string, LastApplied>) =>
  (endpointId: string): LastApplied | undefined =>
    entries[endpointId];

describe('judgeFreshness', () => {
  it('finds a fresh decision current on connections with no decision or an older one', () => {
    const decision: DecisionTiming = { id: 'CHG-2', decidedAt: '2026-11-26T09:00:00Z' };
    const last = lastOf({ [EP2]: { decisionId: 'CHG-1', decidedAt: '2026-11-26T08:00:00Z' } });

    expect(judgeFreshness(decision, [EP1, EP2], last, options)).toEqual([
      { endpointId: EP1, freshness: { status: 'current' } },
      { endpointId: EP2, freshness: { status: 'current' } },
    ]);
  });

  it('refuses a decision as superseded only on the connections a later decision was applied to', () => {
    const decision: DecisionTiming = { id: 'CHG-1', decidedAt: '2026-11-26T08:00:00Z' };
    const later = { decisionId: 'CHG-2', decidedAt: '2026-11-26T09:00:00.000Z' };

    const verdicts = judgeFreshness(decision, [EP1, EP2], lastOf({ [EP2]: later }), options);

    expect(verdicts).toEqual([
      { endpointId: EP1, freshness: { status: 'current' } },
      { endpointId: EP2, freshness: { status: 'superseded', by: later } },
    ]);
  });

  it('compares instants, not text: 09:30+01:00 is older than 09:00Z', () => {
    const decision: DecisionTiming = { id: 'CHG-1', decidedAt: '2026-11-26T09:30:00+01:00' };
    const last = lastOf({ [EP1]: { decisionId: 'CHG-2', decidedAt: '2026-11-26T09:00:00.000Z' } });

    expect(judgeFreshness(decision, [EP1], last, options)[0]?.freshness.status).toBe('superseded');
  });

  it('keeps a replay of the last decision, and one decided at the same instant, current', () => {
    const same = { decisionId: 'CHG-1', decidedAt: '2026-11-26T09:00:00.000Z' };
    const replay: DecisionTiming = { id: 'CHG-1', decidedAt: '2026-11-26T09:00:00Z' };
    const tie: DecisionTiming = { id: 'CHG-9', decidedAt: '2026-11-26T09:00:00Z' };

    expect(judgeFreshness(replay, [EP1], lastOf({ [EP1]: same }), options)[0]?.freshness.status).toBe(
      'current',
    );
    expect(judgeFreshness(tie, [EP1], lastOf({ [EP1]: same }), options)[0]?.freshness.status).toBe('current');
  });

  it('refuses a decision past its expiresAt on every endpoint', () => {
    const decision: DecisionTiming = {
      id: 'CHG-1',
      decidedAt: '2026-11-26T09:00:00Z',
      expiresAt: '2026-11-26T10:00:00Z',
    };

    const verdicts = judgeFreshness(decision, [EP1, EP2], lastOf({}), options);

    expect(verdicts.map((v) => v.freshness)).toEqual([
      { status: 'expired', reason: 'expiresAt', message: 'expired at 2026-11-26T10:00:00Z' },
      { status: 'expired', reason: 'expiresAt', message: 'expired at 2026-11-26T10:00:00Z' },
    ]);
    const notYet = { ...decision, expiresAt: '2026-11-26T10:00:01Z' };
    expect(judgeFreshness(notYet, [EP1], lastOf({}), options)[0]?.freshness.status).toBe('current');
  });

  it('refuses a decision older than the maximum age, and keeps one just inside it', () => {
    const old: DecisionTiming = { id: 'CHG-1', decidedAt: '2026-11-25T09:59:59.999Z' };
    const edge: DecisionTiming = { id: 'CHG-1', decidedAt: '2026-11-25T10:00:00.000Z' };

    expect(judgeFreshness(old, [EP1], lastOf({}), options)[0]?.freshness).toMatchObject({
      status: 'expired',
      reason: 'maxAge',
    });
    expect(judgeFreshness(edge, [EP1], lastOf({}), options)[0]?.freshness.status).toBe('current');
    const shorter = { ...options, maxAgeMs: 60 * 60 * 1000 };
    expect(judgeFreshness(edge, [EP1], lastOf({}), shorter)[0]?.freshness.status).toBe('expired');
  });

  it('refuses a decision dated ahead of the clock beyond the allowed skew, so it cannot block later ones', () => {
    const ahead: DecisionTiming = { id: 'CHG-1', decidedAt: '2027-01-01T00:00:00Z' };
    const slightly: DecisionTiming = { id: 'CHG-2', decidedAt: '2026-11-26T10:04:00Z' };

    expect(judgeFreshness(ahead, [EP1], lastOf({}), options)[0]?.freshness.status).toBe('future');
    expect(judgeFreshness(slightly, [EP1], lastOf({}), options)[0]?.freshness.status).toBe('current');
  });

  it('never lets two different decisions supersede each other', () => {
    const instant = fc.integer({ min: now.getTime() - 3_600_000, max: now.getTime() });
    fc.assert(
      fc.property(instant, instant, (a, b) => {
        const first = { id: 'A', decidedAt: new Date(a).toISOString() };
        const second = { id: 'B', decidedAt: new Date(b).toISOString() };
        const aAfterB = judgeFreshness(
          first,
          [EP1],
          () => ({ decisionId: 'B', decidedAt: second.decidedAt }),
          options,
        );
        const bAfterA = judgeFreshness(
          second,
          [EP1],
          () => ({ decisionId: 'A', decidedAt: first.decidedAt }),
          options,
        );
        const superseded = [aAfterB, bAfterA].filter((v) => v[0]?.freshness.status === 'superseded').length;
        expect(superseded).toBe(a === b ? 0 : 1);
      }),
    );
  });
});

describe('resolveDecidedAt', () => {
  it("takes the decision's own time, else its carrier's", () => {
    expect(resolveDecidedAt('2026-11-26T09:00:00Z', now)).toBe('2026-11-26T09:00:00Z');
    expect(resolveDecidedAt(undefined, now)).toBe('2026-11-26T10:00:00.000Z');
  });
});

describe('parseMaxDecisionAge', () => {
  it('defaults to a day and names the variable when the value is bad', () => {
    expect(parseMaxDecisionAge(undefined)).toBe(86_400_000);
    expect(parseMaxDecisionAge(' 3600000 ')).toBe(3_600_000);
    for (const bad of ['abc', '1.5', '10', String(31 * 86_400_000)]) {
      const error = (() => {
        try {
          parseMaxDecisionAge(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe('VPCEP_APPROVAL_MAX_DECISION_AGE_MS');
    }
  });
});
