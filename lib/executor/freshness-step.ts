/**
 * Before acting: is the decision still the word to act on? Expiry concerns the whole decision and is
 * judged first, from the clock alone: an expired decision gets no call of any kind. Whether a later
 * decision was already applied is judged per connection, from the ledger's last record for it; the
 * executor runs that read beside its status read (both change nothing), and a superseded endpoint gets
 * no action call.
 */
import pLimit from 'p-limit';
import {
  DEFAULT_MAX_DECISION_AGE_MS,
  type Freshness,
  judgeDecision,
  resolveDecidedAt,
} from '../decision/freshness.ts';
import type { EndpointResult } from '../decision/outcome.ts';
import { type Decision, targetKey } from '../decision/schema.ts';
import { VpcepApprovalError } from '../errors.ts';
import type { AppliedDecision, Ledger } from '../ledger/ledger.ts';
import { failedResult } from './results.ts';

/** The verdict on the decision as a whole, from its dates and the clock. */
export type TimingVerdict =
  | { kind: 'future'; message: string }
  | { kind: 'expired'; results: EndpointResult[] }
  | { kind: 'current'; decidedAt: string };

export function judgeTiming(
  decision: Decision,
  carrierTime: Date,
  now: Date,
  maxDecisionAgeMs: number = DEFAULT_MAX_DECISION_AGE_MS,
): TimingVerdict {
  const decidedAt = resolveDecidedAt(decision.decidedAt, carrierTime);
  const timing = {
    id: decision.id,
    decidedAt,
    ...(decision.expiresAt === undefined ? {} : { expiresAt: decision.expiresAt }),
  };
  const whole = judgeDecision(timing, { now, maxAgeMs: maxDecisionAgeMs });
  if (whole.status === 'future') return { kind: 'future', message: whole.message };
  if (whole.status === 'expired')
    return { kind: 'expired', results: decision.endpoints.map((id) => refusedResult(id, whole)) };
  return { kind: 'current', decidedAt };
}

/**
 * The endpoints a later decision already governs (`superseded`), or whose last decision could not be
 * read (`failed`, retryable: without it we cannot tell this one is current, so we fail closed and the
 * queue delivers it again once the ledger answers). Never rejects.
 */
export async function refusedByLedger(
  decision: Decision,
  decidedAt: string,
  ledger: Pick<Ledger, 'lastDecision'>,
  concurrency: number,
  /** Filled with each connection's last applied decision, for the authority's round. */
  lastApplied?: Map<string, AppliedDecision>,
): Promise<Map<string, EndpointResult>> {
  const refused = new Map<string, EndpointResult>();
  const target = targetKey(decision.target);
  const limit = pLimit(concurrency);
  const decided = Date.parse(decidedAt);
  await Promise.all(
    decision.endpoints.map((endpointId) =>
      limit(async () => {
        let last: AppliedDecision | undefined;
        try {
          last = await ledger.lastDecision(target, endpointId);
          if (last !== undefined) lastApplied?.set(endpointId, last);
        } catch (error) {
          refused.set(endpointId, failedResult(endpointId, ledgerError(error), 0, undefined));
          return;
        }
        if (last !== undefined && last.decisionId !== decision.id && Date.parse(last.decidedAt) > decided)
          refused.set(endpointId, refusedResult(endpointId, { status: 'superseded', by: last }));
      }),
    ),
  );
  return refused;
}

/** A `superseded` or `expired` endpoint: no call made, and why in the error's message. */
function refusedResult(
  endpointId: string,
  freshness: Exclude<Freshness, { status: 'current' } | { status: 'future' }>,
): EndpointResult {
  const error = {
    httpStatus: null,
    requestId: null,
    retryable: false,
  };
  if (freshness.status === 'expired')
    return {
      endpointId,
      status: 'expired',
      changed: false,
      attempts: 0,
      error: { code: 'DECISION_EXPIRED', message: freshness.message, ...error },
    };
  const by = { decisionId: freshness.by.decisionId, decidedAt: freshness.by.decidedAt };
  return {
    endpointId,
    status: 'superseded',
    changed: false,
    attempts: 0,
    supersededBy: by,
    error: {
      code: 'DECISION_SUPERSEDED',
      message: `decision ${by.decisionId}, decided at ${by.decidedAt}, was applied to this connection later`,
      ...error,
    },
  };
}

function ledgerError(error: unknown): VpcepApprovalError {
  if (error instanceof VpcepApprovalError) return error;
  return new VpcepApprovalError('LEDGER_UNAVAILABLE', 'the ledger could not be read', {
    retryable: true,
    statusCode: 503,
    cause: error,
  });
}
