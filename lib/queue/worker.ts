/**
 * The decision worker's logic: each SQS record on its own, groups (targets) in parallel, records of one
 * group in order. A record whose decision hit a retryable failure goes back to the queue, and so does
 * everything after it in its group, as FIFO ordering requires. A record is done only once its outcome
 * is published: a failed publish retries the record, and the replay is harmless because the executor
 * reads the status first and makes no second action call.
 */
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { Outcome } from '../decision/outcome.ts';
import { invalidOutcome } from '../decision/outcome.ts';
import { type Decision, parseDecisionJson } from '../decision/schema.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { OutcomePublisher } from '../outcome/publish.ts';

export type WorkerDeps = {
  execute(decision: Decision): Promise<Outcome>;
  publisher: OutcomePublisher;
  /** The queue's redrive maxReceiveCount: the receive on which a still-failing record is final. */
  maxReceiveCount: number;
  logger?: Logger;
  clock?: () => Date;
};

export type RecordVerdict = 'done' | 'retry';

export async function processDecisionRecords(
  records: readonly SQSRecord[],
  deps: WorkerDeps,
): Promise<SQSBatchResponse> {
  const groups = new Map<string, SQSRecord[]>();
  for (const record of records) {
    const group = record.attributes.MessageGroupId ?? record.messageId;
    groups.set(group, [...(groups.get(group) ?? []), record]);
  }
  const failures: string[] = [];
  await Promise.all(
    [...groups.values()].map(async (group) => {
      for (const [index, record] of group.entries()) {
        if ((await processRecord(record, records.indexOf(record), deps)) === 'retry') {
          failures.push(...group.slice(index).map((r) => r.messageId));
          return;
        }
      }
    }),
  );
  // Report in the batch's order, so logs and tests read naturally.
  const failed = new Set(failures);
  return {
    batchItemFailures: records
      .filter((r) => failed.has(r.messageId))
      .map((r) => ({ itemIdentifier: r.messageId })),
  };
}

export async function processRecord(
  record: SQSRecord,
  /** The record's position in the batch, for logs. */
  index: number,
  deps: WorkerDeps,
): Promise<RecordVerdict> {
  const logger = deps.logger ?? silentLogger;
  const clock = deps.clock ?? (() => new Date());
  const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
  const final = receiveCount >= deps.maxReceiveCount;
  const fields = { messageId: record.messageId, receiveCount };
  let outcome: Outcome;
  let verdict: RecordVerdict = 'done';
  try {
    const parsed = parseDecisionJson(record.body);
    if (parsed.ok) {
      outcome = await deps.execute(parsed.decision);
      if (isRetryable(outcome)) verdict = 'retry';
    } else {
      // Not retried: the same body would fail the same way.
      outcome = invalidOutcome(safeJson(record.body), parsed.issues, clock());
      logger.warn('invalid decision on the queue', { ...fields, record: index, issues: parsed.issues });
    }
  } catch (error) {
    logger.error('decision failed unexpectedly', { ...fields, error });
    return 'retry';
  }
  if (verdict === 'retry' && !final) {
    logger.info('decision will be retried', {
      ...fields,
      decisionId: outcome.decisionId,
      status: outcome.status,
    });
    return 'retry';
  }
  try {
    await deps.publisher.publish(outcome);
  } catch (error) {
    logger.error('outcome publish failed; the record will be retried', {
      ...fields,
      decisionId: outcome.decisionId,
      error,
    });
    return 'retry';
  }
  // On the last receive a still-retryable failure is published, then left to the dead-letter queue.
  return verdict;
}

/** Worth another delivery: some endpoint failed with an error that may clear by waiting. */
export function isRetryable(outcome: Outcome): boolean {
  return outcome.results.some((r) => r.status === 'failed' && r.error?.retryable === true);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
