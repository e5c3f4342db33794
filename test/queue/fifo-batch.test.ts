import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../lib/decision/outcome.ts';
import {
  groupRecords,
  isLastReceive,
  processFifoBatch,
  type RecordVerdict,
} from '../../lib/queue/fifo-batch.ts';
import { dispositionOf } from '../../lib/queue/worker.ts';

function record(messageId: string, group: string | undefined, receiveCount = 1): SQSRecord {
  return {
    messageId,
    receiptHandle: messageId,
    body: '{}',
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
      ...(group === undefined ? {} : { MessageGroupId: group }),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q.fifo',
    awsRegion: 'us-east-1',
  };
}

/** Runs a batch with the verdicts given per message id ('done' for the rest), recording the calls. */
async function runBatch(records: SQSRecord[], verdicts: Record<string, RecordVerdict>) {
  const ran: string[] = [];
  const held: string[] = [];
  const response = await processFifoBatch(records, {
    run: async (r) => {
      ran.push(r.messageId);
      return verdicts[r.messageId] ?? 'done';
    },
    hold: async (r) => {
      held.push(r.messageId);
    },
  });
  return { ran, held, returned: response.batchItemFailures.map((f) => f.itemIdentifier) };
}

describe('groupRecords', () => {
  it('keeps each group in batch order and gives a record without a group a group of its own', () => {
    const groups = groupRecords([
      record('a1', 'a'),
      record('b1', 'b'),
      record('x', undefined),
      record('a2', 'a'),
    ]);

    expect(groups.map((g) => g.map((r) => r.messageId))).toEqual([['a1', 'a2'], ['b1'], ['x']]);
  });
});

describe('processFifoBatch', () => {
  it('runs every record when all are done, and returns none', async () => {
    const result = await runBatch([record('a1', 'a'), record('a2', 'a'), record('b1', 'b')], {});

    expect(result).toEqual({ ran: ['a1', 'b1', 'a2'], held: [], returned: [] });
  });

  it('returns a retried record and every later record of its group untried, and runs other groups', async () => {
    const result = await runBatch(
      [record('a1', 'a'), record('b1', 'b'), record('a2', 'a'), record('a3', 'a'), record('b2', 'b')],
      { a1: 'retry' },
    );

    expect(result.ran.sort()).toEqual(['a1', 'b1', 'b2']);
    expect(result.held).toEqual(['a2', 'a3']);
    expect(result.returned).toEqual(['a1', 'a2', 'a3']);
  });

  it('runs the rest of the group after a final failure, returning only the failed record', async () => {
    const result = await runBatch([record('a1', 'a'), record('a2', 'a'), record('a3', 'a')], {
      a1: 'final',
      a2: 'retry',
    });

    expect(result.ran).toEqual(['a1', 'a2']);
    expect(result.held).toEqual(['a3']);
    expect(result.returned).toEqual(['a1', 'a2', 'a3']);
  });

  it('reports returned records in the order of the batch, not of completion', async () => {
    const records = [record('b1', 'b'), record('a1', 'a')];
    const response = await processFifoBatch(records, {
      run: async (r) => {
        // The first group finishes last.
        if (r.messageId === 'b1') await new Promise((resolve) => setImmediate(resolve));
        return 'retry';
      },
      hold: async () => {},
    });

    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['b1', 'a1']);
  });
});

describe('isLastReceive', () => {
  it('is true from the redrive maxReceiveCount on', () => {
    expect([1, 2, 3, 4].map((n) => isLastReceive(record('m', 'g', n), 3))).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });
});

describe('dispositionOf (the last-receive rule)', () => {
  const outcome = (status: Outcome['status'], retryable?: boolean): Outcome => ({
    decisionId: 'D-1',
    status,
    results:
      retryable === undefined
        ? []
        : [
            {
              endpointId: 'e',
              status: 'failed',
              changed: false,
              attempts: 1,
              error: { code: 'X', message: 'x', httpStatus: 500, requestId: null, retryable },
            },
          ],
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:00.000Z',
  });

  it.each([
    ['a retryable failure, not last', outcome('failed', true), false, { publish: false, verdict: 'retry' }],
    ['a retryable failure, last', outcome('failed', true), true, { publish: true, verdict: 'final' }],
    ['a terminal failure', outcome('failed', false), false, { publish: true, verdict: 'done' }],
    [
      'an accept still settling, not last',
      outcome('in_progress'),
      false,
      { publish: false, verdict: 'retry' },
    ],
    ['an accept still settling, last', outcome('in_progress'), true, { publish: true, verdict: 'done' }],
    ['a success', outcome('succeeded'), false, { publish: true, verdict: 'done' }],
    ['an invalid decision', outcome('invalid'), false, { publish: true, verdict: 'done' }],
  ])('%s', (_, given, last, expected) => {
    expect(dispositionOf(given, last)).toEqual(expected);
  });
});
