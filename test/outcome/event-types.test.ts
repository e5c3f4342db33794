/**
 * What travels on the outcome topic and who receives it: outcomes carry `eventType=decision.outcome`,
 * the sweeper's requests `eventType=approval.requested`, and the chat notifier's subscription filter
 * (on `sourceSystem`, as in serverless.yml) still receives only outcomes of chat decisions.
 * fauxqs applies SNS filter policies in process.
 */
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../../lib/decision/outcome.ts';
import {
  approvalRequestPublishRequest,
  outcomeAttributes,
  snsApprovalRequestPublisher,
  snsOutcomePublisher,
  snsSweepEventPublisher,
} from '../../lib/outcome/sns-publisher.ts';
import type { SweepEvent } from '../../lib/sweeper/events.ts';
import type { ApprovalRequestEvent } from '../../lib/sweeper/sweep.ts';
import {
  type AwsEmulator,
  createQueue,
  createTopicWithTap,
  startAwsEmulator,
} from '../../local/aws-emulator.ts';

const REGION = 'us-east-1';
/** The outcome notifier's filterPolicy in serverless.yml. */
const NOTIFIER_FILTER = { sourceSystem: ['slack', 'feishu', 'lark'] };

const outcome = (system: string): Outcome => ({
  decisionId: `D-${system}`,
  action: 'accept',
  status: 'succeeded',
  results: [{ endpointId: 'e-1', status: 'accepted', changed: true, attempts: 1 }],
  reason: 'approved',
  source: { system, ref: 'r-1' },
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:00.000Z',
});

const request: ApprovalRequestEvent = {
  target: 'vpcep:4189d3c2-8882-4871-a3c2-d380272eed88',
  endpointId: '705290f3-0d00-41f2-aedc-71f09844e879',
  domainId: '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a',
  createdAt: '2026-11-26T09:50:00.000Z',
  whitelisted: false,
  rule: 'askPeople',
  reason: 'no rule decides it',
  approvalsRequired: 1,
  approvers: [],
  reminder: 0,
};

let aws: AwsEmulator;
let sqs: SQSClient;
let sns: SNSClient;
beforeAll(async () => {
  aws = await startAwsEmulator(REGION);
  const config = {
    endpoint: aws.address,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  sqs = new SQSClient(config);
  sns = new SNSClient(config);
});
afterAll(async () => {
  sqs?.destroy();
  sns?.destroy();
  await aws?.stop();
});

async function drain(url: string): Promise<Array<Record<string, unknown>>> {
  const bodies: Array<Record<string, unknown>> = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((m) => JSON.parse(m.Body ?? '{}') as Record<string, unknown>));
  }
}

describe('event types on the outcome topic', () => {
  it('marks outcomes decision.outcome and approval requests approval.requested', () => {
    expect(outcomeAttributes(outcome('jira')).eventType).toEqual({
      DataType: 'String',
      StringValue: 'decision.outcome',
    });
    const published = approvalRequestPublishRequest(
      'arn:aws:sns:us-east-1:123456789012:t',
      request,
      new Date(0),
    );
    expect(published.MessageAttributes).toEqual({
      eventType: { DataType: 'String', StringValue: 'approval.requested' },
      targetType: { DataType: 'String', StringValue: 'vpcep' },
      rule: { DataType: 'String', StringValue: 'askPeople' },
    });
    expect(JSON.parse(published.Message ?? '')).toEqual({
      eventType: 'approval.requested',
      raisedAt: '1970-01-01T00:00:00.000Z',
      ...request,
    });
  });

  it("keeps approval requests away from the chat notifier's filter, and lets subscribers pick by eventType", async () => {
    const all = await createQueue(sqs, aws.address, 'all');
    const topicArn = await createTopicWithTap(sns, 'outcomes', all);
    const subscribe = async (name: string, filter: Record<string, string[]>) => {
      const queue = await createQueue(sqs, aws.address, name);
      await sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'sqs',
          Endpoint: queue.arn,
          Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify(filter) },
        }),
      );
      return queue.url;
    };
    const notifier = await subscribe('notifier', NOTIFIER_FILTER);
    const requests = await subscribe('requests', { eventType: ['approval.requested'] });
    const outcomes = await subscribe('outcomes-only', { eventType: ['decision.outcome'] });

    const publisher = snsOutcomePublisher(sns, topicArn);
    await publisher.publish(outcome('slack'));
    await publisher.publish(outcome('jira'));
    await snsApprovalRequestPublisher(sns, topicArn)(request);

    expect((await drain(notifier)).map((b) => b.decisionId)).toEqual(['D-slack']);
    expect((await drain(requests)).map((b) => [b.eventType, b.endpointId])).toEqual([
      ['approval.requested', request.endpointId],
    ]);
    expect((await drain(outcomes)).map((b) => b.decisionId).sort()).toEqual(['D-jira', 'D-slack']);
    expect(await drain(all.url)).toHaveLength(3);
  });

  it('publishes drift and policy violations with their own eventType, and kind or rule to filter on', async () => {
    const all = await createQueue(sqs, aws.address, 'sweep-all');
    const topicArn = await createTopicWithTap(sns, 'sweep-events', all);
    const driftOnly = await createQueue(sqs, aws.address, 'drift-only');
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: driftOnly.arn,
        Attributes: {
          RawMessageDelivery: 'true',
          FilterPolicy: JSON.stringify({ eventType: ['drift.detected'], kind: ['connection', 'whitelist'] }),
        },
      }),
    );
    const about = {
      target: request.target,
      account: 'own',
      region: 'cn-north-4',
      detectedAt: '2026-11-26T10:00:00.000Z',
    };
    const events: SweepEvent[] = [
      {
        eventType: 'drift.detected',
        ...about,
        kind: 'baseline',
        counts: { accepted: 1, rejected: 0, pending: 0, whitelisted: 1 },
      },
      {
        eventType: 'drift.detected',
        ...about,
        kind: 'connection',
        endpointId: request.endpointId,
        status: 'accepted',
        lastDecision: null,
      },
      {
        eventType: 'policy.violation',
        ...about,
        endpointId: request.endpointId,
        domainId: request.domainId as string,
        rule: 'autoReject',
        reason: 'account is in autoReject',
      },
    ];
    const publish = snsSweepEventPublisher(sns, topicArn);
    for (const event of events) await publish(event);

    expect(await drain(driftOnly.url)).toEqual([events[1]]);
    expect((await drain(all.url)).map((b) => b.eventType)).toEqual([
      'drift.detected',
      'drift.detected',
      'policy.violation',
    ]);
  });
});
