/**
 * SQS and SNS in process (fauxqs), bound to loopback. fauxqs's own `startFauxqs` listens on 0.0.0.0,
 * which let any machine that could reach this one put a decision on the queue with made-up
 * credentials — and the worker executed it. So the stack builds fauxqs's app (its public `buildApp`)
 * and listens on 127.0.0.1 itself; queues, topic and subscription are created through the AWS APIs,
 * as they would be against real AWS.
 */
import type { Server } from 'node:http';
import { CreateTopicCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { LOOPBACK } from './listen.ts';

export type AwsEmulator = {
  /** The endpoint URL for the AWS SDK (`AWS_ENDPOINT_URL_SQS` / `AWS_ENDPOINT_URL_SNS`). */
  address: string;
  server: Server;
  stop(): Promise<void>;
};

export async function startAwsEmulator(region: string): Promise<AwsEmulator> {
  const app = buildApp({ logger: false, defaultRegion: region });
  const address = await app.listen({ port: 0, host: LOOPBACK });
  return { address, server: app.server, stop: () => app.close() };
}

export type QueueRef = { url: string; arn: string };

/**
 * Creates a queue and returns its path-style URL: the SDK sends requests to a queue URL's host, and
 * sqs.<region>.localhost does not resolve everywhere; fauxqs finds a queue by the last path segment.
 */
export async function createQueue(
  sqs: SQSClient,
  address: string,
  name: string,
  attributes: Record<string, string> = {},
): Promise<QueueRef> {
  const created = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const url = `${address}${new URL(created.QueueUrl ?? '').pathname}`;
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return { url, arn: Attributes.QueueArn ?? '' };
}

/** Messages waiting to be received (visible ones; in flight and delayed ones not counted). */
export async function visibleMessages(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0);
}

/** A topic with one queue subscribed, raw delivery: what follows outcomes, in one place. */
export async function createTopicWithTap(sns: SNSClient, topicName: string, tap: QueueRef): Promise<string> {
  const { TopicArn = '' } = await sns.send(new CreateTopicCommand({ Name: topicName }));
  await sns.send(
    new SubscribeCommand({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: tap.arn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  return TopicArn;
}
