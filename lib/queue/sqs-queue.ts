/**
 * The decision queue is FIFO. MessageGroupId is the target, so decisions on one target never overtake
 * each other (an accept then a reject of the same endpoint must run in that order); the decision id is
 * the deduplication id, so a ticket system's retried webhook does not queue the decision twice.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AWS_CALL_TIMEOUT_MS, AWS_CLIENT_LIMITS } from '../aws-timeouts.ts';
import { type AnyDecision, targetKey } from '../decision/schema.ts';

export type SqsSender = Pick<SQSClient, 'send'>;

/** The SDK client with its standard configuration (region, credentials, AWS_ENDPOINT_URL_SQS). */
export function defaultSqsClient(): SqsSender {
  return new SQSClient({ ...AWS_CLIENT_LIMITS });
}

export function sqsDecisionQueue(
  client: SqsSender,
  queueUrl: string,
  timeoutMs = AWS_CALL_TIMEOUT_MS,
): { enqueue(decision: AnyDecision): Promise<{ messageId: string | undefined }> } {
  return {
    async enqueue(decision) {
      const result = await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(decision),
          MessageGroupId: targetKey(decision.target),
          MessageDeduplicationId: decision.id,
        }),
        { abortSignal: AbortSignal.timeout(timeoutMs) },
      );
      return { messageId: result.MessageId };
    },
  };
}
