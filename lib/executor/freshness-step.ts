/**
 * Before acting: is the decision still the word to act on? Expiry concerns the whole decision and is
 * judged without the ledger; whether a later decision was already applied is judged per connection,
 * from the ledger's last record for it. Refused endpoints get no call of any kind.
 */
import pLimit from 'p-limit';
import {
  DEFAULT_MAX_DECISION_AGE_MS,
  type Freshness,
  judgeDecision,
  type LastApplied,
  resolveDecidedAt,
} from '../decision/freshness.ts';
import type { EndpointResult } from '../decision/outcome.ts';
import { type Decision, targetKey } from '../decision/schema.ts';
import { VpcepApprovalError } from '../errors.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { failedResult } from './results.ts';

export type FreshnessSettings = {
  ledger?: Pick<Ledger, 'lastDecision'>;
  maxDecisionAgeMs?: number;
  concurrency: number;
};

/** The verdict for the decision: either refused as a whole, or which endpoints remain to act on. */
export type FreshnessVerdict =
  | { kind: 'future'; message: string }
  | { kind: 'expired'; results: EndpointResult[] }
  | { kind: 'current'; decidedAt: string; act: string[]; refused: Map<string, EndpointResult> };

export async function judgeBeforeActing(
  decision: Decision,
  carrierTime: Date,
  now: Date,
  settings: FreshnessSettings,
): Promise<FreshnessVerdict> {
  const decidedAt = resolveDecidedAt(decision.decidedAt, carrierTime);
  const timing = {
    id: decision.id,
    decidedAt,
    ...(decision.expiresAt === undefined ? {} : { expiresAt: decision.expiresAt }),
  };
  const whole = judgeDecision(timing, {
    now,
    maxAgeMs: settings.maxDecisionAgeMs ?? DEFAULT_MAX_DECISION_AGE_MS,
  });
  if (whole.status === 'future') return { kind: 'future', message: whole.message };
  if (whole.status === 'expired')
    return { kind: 'expired', results: decision.endpoints.map((id) => refusedResult(id, whole)) };

  const refused = new Map<string, EndpointResult>();
  const { ledger } = settings;
  if (ledger !== undefined) {
    const target = targetKey(decision.target);
    const limit = pLimit(settings.concurrency);
    const decided = Date.parse(decidedAt);
    await Promise.all(
      decision.endpoints.map((endpointId) =>
        limit(async () => {
          let last: LastApplied | undefined;
          try {
            last = await ledger.lastDecision(target, endpointId);
          } catch (error) {
            // Fail closed: without the last decision we cannot tell this one is current. Retryable, so
            // the queue delivers it again once the ledger answers.
            refused.set(endpointId, failedResult(endpointId, ledgerError(error), 0, undefined));
            return;
          }
          if (last !== undefined && last.decisionId !== decision.id && Date.parse(last.decidedAt) > decided)
            refused.set(endpointId, refusedResult(endpointId, { status: 'superseded', by: last }));
        }),
      ),
    );
  }
  return {
    kind: 'current',
    decidedAt,
    act: decision.endpoints.filter((id) => !refused.has(id)),
    refused,
  };
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
