/**
 * Feeds an SQS queue to a Lambda handler the way Lambda's event source mapping does: batches of up to
 * ten, every attribute the handler may read, ReportBatchItemFailures (only the records the handler
 * reports stay on the queue, to come back after the visibility timeout and, past maxReceiveCount, move
 * to the dead-letter queue), and the whole batch left for redelivery when the handler throws.
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export type EventSourceOptions = {
  client: Pick<SQSClient, 'send'>;
  queueUrl: string;
  queueArn: string;
  handler: SqsHandler;
  context: () => Context;
  batchSize?: number;
  /** Long-poll wait per receive, in seconds. */
  waitSeconds?: number;
  onError?: (error: unknown) => void;
};

/** One receive → invoke → delete cycle. Returns how many records were delivered. */
export async function pollOnce(
  options: EventSourceOptions,
): Promise<{ delivered: number; failed: string[] }> {
  const received = await options.client.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queueUrl,
      MaxNumberOfMessages: options.batchSize ?? 10,
      WaitTimeSeconds: options.waitSeconds ?? 1,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  const messages = received.Messages ?? [];
  if (messages.length === 0) return { delivered: 0, failed: [] };
  const records = messages.map((m) => toRecord(m, options.queueArn));
  let failed: string[];
  try {
    const response = await options.handler({ Records: records }, options.context());
    failed = (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
  } catch (error) {
    options.onError?.(error);
    return { delivered: records.length, failed: records.map((r) => r.messageId) };
  }
  const done = messages.filter((m) => !failed.includes(m.MessageId ?? ''));
  if (done.length > 0) {
    await options.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
  return { delivered: records.length, failed };
}

/** Polls until stopped; errors are reported and polling goes on, as the real mapping does. */
export function startEventSource(options: EventSourceOptions): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        await pollOnce(options);
      } catch (error) {
        options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

function toRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(attributes.MessageGroupId === undefined ? {} : { MessageGroupId: attributes.MessageGroupId }),
      ...(attributes.MessageDeduplicationId === undefined
        ? {}
        : { MessageDeduplicationId: attributes.MessageDeduplicationId }),
      ...(attributes.SequenceNumber === undefined ? {} : { SequenceNumber: attributes.SequenceNumber }),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? 'us-east-1',
  };
}
