import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../lib/decision/outcome.ts';
import { processDecisionRecords } from '../../lib/queue/worker.ts';
import { aDecision } from '../helpers/factories.ts';

function queueRecord(body: string, sentTimestamp: string): SQSRecord {
  return {
    messageId: 'm-1',
    receiptHandle: 'm-1',
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: sentTimestamp,
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: sentTimestamp,
      MessageGroupId: 'g',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:q.fifo',
    awsRegion: 'us-east-1',
  };
}

describe('the worker dates a decision by the queue', () => {
  it('passes the record’s sent time to the executor as the carrier time', async () => {
    const seen: Array<Date | undefined> = [];
    const sent = Date.parse('2026-11-26T10:00:00.000Z');

    await processDecisionRecords([queueRecord(JSON.stringify(aDecision()), String(sent))], {
      async execute(decision, context) {
        seen.push(context?.carrierTime);
        const time = new Date().toISOString();
        return {
          decisionId: decision.id,
          status: 'succeeded',
          results: [],
          startedAt: time,
          finishedAt: time,
        } as Outcome;
      },
      publisher: { publish: async () => ({ messageId: 'x' }) },
      maxReceiveCount: 5,
    });

    expect(seen.map((d) => d?.toISOString())).toEqual(['2026-11-26T10:00:00.000Z']);
  });
});
