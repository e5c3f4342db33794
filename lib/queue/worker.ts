/**
 * The decision worker's logic: each SQS record on its own, by the FIFO rules of fifo-batch.ts. A record
 * is done only once its outcome is published: a failed publish retries the record, and the replay is
 * harmless because the executor reads the status first and makes no second action call. The last-receive
 * rule (`dispositionOf`) decides when an outcome that may still change is published.
 */
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { EndpointError, Outcome } from '../decision/outcome.ts';
import { decisionEcho, invalidOutcome } from '../decision/outcome.ts';
import { type AnyDecision, parseDecisionJson } from '../decision/schema.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { OutcomePublisher } from '../outcome/publish.ts';
import { isLastReceive, processFifoBatch, type RecordVerdict, receiveCount } from './fifo-batch.ts';

export type WorkerDeps = {
  /**
   * `carrierTime` is the queue's sent time: the decision's `decidedAt` when it carries none (the
   * executor's `ExecuteOptions.carrierTime`).
   */
  execute(decision: AnyDecision, context?: { carrierTime?: Date }): Promise<Outcome>;
  publisher: Pick<OutcomePublisher, 'publish'>;
  /** The queue's redrive maxReceiveCount: the receive on which a still-failing record is final. */
  maxReceiveCount: number;
  logger?: Logger;
  clock?: () => Date;
};

export type { RecordVerdict } from './fifo-batch.ts';

export async function processDecisionRecords(
  records: readonly SQSRecord[],
  deps: WorkerDeps,
): Promise<SQSBatchResponse> {
  return processFifoBatch(records, {
    run: (record, index) => processRecord(record, index, deps),
    hold: (record, index) => holdRecord(record, index, deps),
  });
}

export type Disposition = { publish: boolean; verdict: RecordVerdict };

/**
 * The last-receive rule. An outcome that may still change (a retryable failure, an accept still
 * `creating`) is not published while the queue will deliver the record again; on the last receive it is,
 * since no record may leave the queue without an outcome. A final retryable failure is returned to go
 * to the dead-letter queue (where an alarm fires); an accept still settling failed nothing, so it is done.
 */
export function dispositionOf(outcome: Outcome, lastReceive: boolean): Disposition {
  if (isRetryable(outcome))
    return lastReceive ? { publish: true, verdict: 'final' } : { publish: false, verdict: 'retry' };
  if (outcome.status === 'in_progress')
    return lastReceive ? { publish: true, verdict: 'done' } : { publish: false, verdict: 'retry' };
  return { publish: true, verdict: 'done' };
}

export async function processRecord(
  record: SQSRecord,
  /** The record's position in the batch, for logs. */
  index: number,
  deps: WorkerDeps,
): Promise<RecordVerdict> {
  const logger = deps.logger ?? silentLogger;
  const clock = deps.clock ?? (() => new Date());
  const last = isLastReceive(record, deps.maxReceiveCount);
  const fields = { messageId: record.messageId, record: index, receiveCount: receiveCount(record) };
  const parsed = parseDecisionJson(record.body);
  let outcome: Outcome;
  let disposition: Disposition;
  if (parsed.ok) {
    try {
      outcome = await deps.execute(parsed.decision, sentTime(record));
      disposition = dispositionOf(outcome, last);
    } catch (error) {
      logger.error('decision failed unexpectedly', { ...fields, decisionId: parsed.decision.id, error });
      if (!last) return 'retry';
      outcome = untriedOutcome(parsed.decision, unexpectedError, clock());
      disposition = { publish: true, verdict: 'final' };
    }
  } else {
    // Not retried: the same body would fail the same way.
    outcome = invalidOutcome(safeJson(record.body), parsed.issues, clock());
    disposition = { publish: true, verdict: 'done' };
    logger.warn('invalid decision on the queue', { ...fields, issues: parsed.issues.slice(0, 20) });
  }
  const about = { ...fields, decisionId: outcome.decisionId, status: outcome.status };
  if (!disposition.publish) {
    logger.info('decision will be retried', about);
    return disposition.verdict;
  }
  if (!(await publish(outcome, about, deps))) return last ? 'final' : 'retry';
  if (disposition.verdict === 'final')
    logger.error('decision failed on its last receive; left to the dead-letter queue', about);
  return disposition.verdict;
}

/**
 * A record returned untried behind an earlier one of its group. On its last receive it leaves the queue
 * now, so its outcome says it was not tried and why.
 */
async function holdRecord(record: SQSRecord, index: number, deps: WorkerDeps): Promise<void> {
  const logger = deps.logger ?? silentLogger;
  const fields = { messageId: record.messageId, record: index, receiveCount: receiveCount(record) };
  if (!isLastReceive(record, deps.maxReceiveCount)) {
    logger.info('decision held behind an earlier one of its target', fields);
    return;
  }
  const clock = deps.clock ?? (() => new Date());
  const parsed = parseDecisionJson(record.body);
  const outcome = parsed.ok
    ? untriedOutcome(parsed.decision, heldError, clock())
    : invalidOutcome(safeJson(record.body), parsed.issues, clock());
  const about = { ...fields, decisionId: outcome.decisionId, status: outcome.status };
  if (await publish(outcome, about, deps))
    logger.error('decision held on its last receive; left to the dead-letter queue untried', about);
}

async function publish(
  outcome: Outcome,
  fields: Record<string, unknown>,
  deps: WorkerDeps,
): Promise<boolean> {
  try {
    await deps.publisher.publish(outcome);
    return true;
  } catch (error) {
    (deps.logger ?? silentLogger).error('outcome publish failed; the record will be retried', {
      ...fields,
      error,
    });
    return false;
  }
}

const heldError: EndpointError = {
  code: 'HELD_BY_EARLIER_DECISION',
  message: 'not tried: an earlier decision on this target was still being retried on this last receive',
  httpStatus: null,
  requestId: null,
  retryable: true,
};

const unexpectedError: EndpointError = {
  code: 'INTERNAL_ERROR',
  message: 'the decision failed unexpectedly on its last receive',
  httpStatus: null,
  requestId: null,
  retryable: true,
};

/** A `failed` outcome for a decision that was never run, each endpoint carrying the reason. */
export function untriedOutcome(decision: AnyDecision, error: EndpointError, at: Date): Outcome {
  const time = at.toISOString();
  const outcome: Outcome = {
    decisionId: decision.id,
    action: decision.action,
    target: decision.target,
    status: 'failed',
    results:
      'endpoints' in decision
        ? decision.endpoints.map((endpointId) => ({
            endpointId,
            status: 'failed',
            changed: false,
            error,
            attempts: 0,
          }))
        : [],
    // A permit or revoke: each account carries the reason instead.
    ...('accounts' in decision
      ? {
          accounts: decision.accounts.map((domainId) => ({
            domainId,
            status: 'failed',
            changed: false,
            error,
            attempts: 0,
          })),
        }
      : {}),
    ...decisionEcho(decision),
    startedAt: time,
    finishedAt: time,
  };
  return outcome;
}

/** Worth another delivery: some endpoint failed with an error that may clear by waiting. */
export function isRetryable(outcome: Outcome): boolean {
  const retryable = (r: { status: string; error?: { retryable: boolean } | undefined }) =>
    r.status === 'failed' && r.error?.retryable === true;
  return outcome.results.some(retryable) || (outcome.accounts ?? []).some(retryable);
}

/** The queue's `SentTimestamp` (epoch ms), when the record carries it. */
function sentTime(record: SQSRecord): { carrierTime?: Date } {
  const sent = Number(record.attributes?.SentTimestamp);
  return Number.isFinite(sent) && sent > 0 ? { carrierTime: new Date(sent) } : {};
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
