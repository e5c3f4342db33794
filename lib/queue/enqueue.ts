/**
 * The decision queue is FIFO. MessageGroupId is the target, so decisions on one target never overtake
 * each other (an accept then a reject of the same endpoint must run in that order); the decision id is
 * the deduplication id, so a ticket system's retried webhook does not queue the decision twice.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type Decision, targetKey } from '../decision/schema.ts';

export type DecisionQueue = { enqueue(decision: Decision): Promise<{ messageId: string | undefined }> };

export type SqsSender = Pick<SQSClient, 'send'>;

/** The SDK client with its standard configuration (region, credentials, AWS_ENDPOINT_URL_SQS). */
export function defaultSqsClient(): SqsSender {
  return new SQSClient({});
}

export function sqsDecisionQueue(client: SqsSender, queueUrl: string): DecisionQueue {
  return {
    async enqueue(decision) {
      const result = await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(decision),
          MessageGroupId: targetKey(decision.target),
          MessageDeduplicationId: decision.id,
        }),
      );
      return { messageId: result.MessageId };
    },
  };
}
