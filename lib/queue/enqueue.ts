/**
 * The decision queue as a function sees it: enqueue a decision. The SQS SDK (lib/queue/sqs-queue.ts) is
 * loaded at first use, so the webhook's `?wait=true` path and the worker never pay for it.
 */
import type { Decision } from '../decision/schema.ts';
import { once } from '../once.ts';
import type { SqsSender } from './sqs-queue.ts';

export type DecisionQueue = { enqueue(decision: Decision): Promise<{ messageId: string | undefined }> };

export function decisionQueue(options: { queueUrl: string; sqs?: SqsSender | undefined }): DecisionQueue {
  const queue = once(async () => {
    const { defaultSqsClient, sqsDecisionQueue } = await import('./sqs-queue.ts');
    return sqsDecisionQueue(options.sqs ?? defaultSqsClient(), options.queueUrl);
  });
  return { enqueue: async (decision) => (await queue()).enqueue(decision) };
}
