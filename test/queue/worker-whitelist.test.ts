/** A decision on accounts through the worker: run by the real executor, published, retried when it may clear. */
import type { SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Outcome } from '../../lib/decision/outcome.ts';
import { executeDecision } from '../../lib/executor/execute.ts';
import { processDecisionRecords } from '../../lib/queue/worker.ts';
import { endpointIds, PROJECT_ID, SERVICE_ID } from '../helpers/factories.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

const CONSUMER = 'a7f0c4e9b2d14e5f8c3b6a1d0e9f7c2b';
const [ACCEPTED] = endpointIds(1) as [string];
const revoke = {
  id: 'OFF-9',
  action: 'revoke',
  target: { type: 'vpcep', serviceId: SERVICE_ID },
  accounts: [CONSUMER],
};

function queueRecord(body: string, receiveCount = 1): SQSRecord {
  const sent = String(Date.now());
  return {
    messageId: 'm-1',
    receiptHandle: 'm-1',
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: sent,
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: sent,
      MessageGroupId: `vpcep:${SERVICE_ID}`,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:q.fifo',
    awsRegion: 'us-east-1',
  };
}

let h: Harness;
let published: Outcome[];
beforeEach(async () => {
  h = await startHarness();
  published = [];
  h.sim.seed({
    kind: 'vpcep',
    projectId: PROJECT_ID,
    targetId: SERVICE_ID,
    permissions: [CONSUMER],
    connections: [{ id: ACCEPTED, domainId: CONSUMER, status: 'accepted' }],
  });
});
afterEach(() => h.close());

const deps = () => ({
  execute: (decision: Parameters<typeof executeDecision>[0], context?: { carrierTime?: Date }) =>
    executeDecision(decision, { client: h.runtime.client, config: h.config }, context),
  publisher: {
    publish: async (outcome: Outcome) => {
      published.push(outcome);
      return { messageId: 'x' };
    },
  },
  maxReceiveCount: 5,
});

describe('the worker with a revoke', () => {
  it('runs it and publishes the per-account outcome', async () => {
    const response = await processDecisionRecords([queueRecord(JSON.stringify(revoke))], deps());

    expect(response.batchItemFailures).toEqual([]);
    expect(published).toMatchObject([
      {
        decisionId: 'OFF-9',
        action: 'revoke',
        status: 'succeeded',
        accounts: [{ domainId: CONSUMER, status: 'revoked' }],
      },
    ]);
    expect(h.sim.connection('vpcep', PROJECT_ID, SERVICE_ID, ACCEPTED)?.status).toBe('rejected');
  });

  it('hands it back to the queue, unpublished, while an account failed with an error that may clear', async () => {
    h.sim.inject({
      op: 'vpcep.permissions',
      times: 20,
      fault: { type: 'status', httpStatus: 503, errorCode: 'EndPoint.0001' },
    });

    const response = await processDecisionRecords([queueRecord(JSON.stringify(revoke))], deps());

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(published).toEqual([]);
  });
});
