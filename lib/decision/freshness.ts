/**
 * Whether a decision is still the word to act on, per endpoint. Decisions arrive late and out of order
 * (a queue redelivers, a ticket is approved twice, a chat button is pressed on yesterday's card): a
 * decision older than the last one applied to a connection is `superseded` there, and one past its
 * `expiresAt` or older than the maximum age is `expired` everywhere. Pure: the caller reads the last
 * decisions from the ledger and passes the clock's time.
 */
import * as z from 'zod/mini';
import { humanDuration } from '../duration.ts';
import { ConfigError } from '../errors.ts';

/** `VPCEP_APPROVAL_MAX_DECISION_AGE_MS` when unset: a day. */
export const DEFAULT_MAX_DECISION_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * How far ahead of our clock a `decidedAt` may be. Further ahead is refused: a decision dated next
 * year would otherwise supersede every real decision on its connections until then.
 */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** What a decision carries about its time; `decidedAt` already resolved (see `resolveDecidedAt`). */
export type DecisionTiming = { id: string; decidedAt: string; expiresAt?: string };

/** The last decision applied to one connection, as the ledger answers it. */
export type LastApplied = { decisionId: string; decidedAt: string };

export type Freshness =
  | { status: 'current' }
  | { status: 'superseded'; by: LastApplied }
  | { status: 'expired'; reason: 'expiresAt' | 'maxAge'; message: string }
  | { status: 'future'; message: string };

export type FreshnessOptions = { now: Date; maxAgeMs: number; maxClockSkewMs?: number };

/**
 * The verdict per endpoint, in the decision's endpoint order. Expiry and a future date concern the
 * decision as a whole, so they are judged first and apply to every endpoint; only a current decision
 * is compared with each connection's last one. A decision is superseded only by a strictly later one:
 * a replay of the last decision itself, or one decided at the same instant, stays current (the executor
 * reads the status and changes nothing that is already so).
 */
export function judgeFreshness(
  decision: DecisionTiming,
  endpoints: readonly string[],
  lastApplied: (endpointId: string) => LastApplied | undefined,
  options: FreshnessOptions,
): Array<{ endpointId: string; freshness: Freshness }> {
  const whole = judgeDecision(decision, options);
  return endpoints.map((endpointId) => {
    if (whole.status !== 'current') return { endpointId, freshness: whole };
    const last = lastApplied(endpointId);
    const superseded =
      last !== undefined &&
      last.decisionId !== decision.id &&
      epoch(last.decidedAt) > epoch(decision.decidedAt);
    return { endpointId, freshness: superseded ? { status: 'superseded', by: last } : whole };
  });
}

/** Expiry and a future date: the part of the verdict that does not depend on the connection. */
export function judgeDecision(decision: DecisionTiming, options: FreshnessOptions): Freshness {
  const now = options.now.getTime();
  const decidedAt = epoch(decision.decidedAt);
  const skew = options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
  if (decidedAt > now + skew)
    return {
      status: 'future',
      message: `decidedAt ${decision.decidedAt} is ahead of the clock by more than ${humanDuration(skew)}`,
    };
  if (decision.expiresAt !== undefined && epoch(decision.expiresAt) <= now)
    return { status: 'expired', reason: 'expiresAt', message: `expired at ${decision.expiresAt}` };
  if (now - decidedAt > options.maxAgeMs)
    return {
      status: 'expired',
      reason: 'maxAge',
      message: `decided at ${decision.decidedAt}, more than ${humanDuration(options.maxAgeMs)} ago`,
    };
  return { status: 'current' };
}

/**
 * The decision's own `decidedAt` when it has one, else the time its carrier vouches for: the webhook's
 * signed timestamp, the queue message's sent time, the chat request's time.
 */
export function resolveDecidedAt(decidedAt: string | undefined, carrierTime: Date): string {
  return decidedAt ?? carrierTime.toISOString();
}

/** `VPCEP_APPROVAL_MAX_DECISION_AGE_MS`: a whole number of ms from a minute to 30 days; unset is a day. */
export function parseMaxDecisionAge(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_MAX_DECISION_AGE_MS;
  const parsed = MaxAgeSchema.safeParse(value.trim());
  if (!parsed.success)
    throw new ConfigError('VPCEP_APPROVAL_MAX_DECISION_AGE_MS', parsed.error.issues[0]?.message ?? 'invalid');
  return parsed.data;
}

const MaxAgeSchema = z.coerce
  .number()
  .check(
    z.refine(Number.isInteger, 'must be a whole number of milliseconds'),
    z.gte(60_000, 'must be at least 60000 (a minute)'),
    z.lte(30 * DEFAULT_MAX_DECISION_AGE_MS, 'must be at most 30 days'),
  );

function epoch(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO 8601 time: ${iso}`);
  return ms;
}
