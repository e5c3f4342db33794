/**
 * The decision queue as a function sees it: enqueue a decision. The SQS SDK (lib/queue/sqs-queue.ts) is
 * loaded at first use, so the webhook's `?wait=true` path and the worker never pay for it.
 */
import type { AnyDecision } from '../decision/schema.ts';
import type { SqsSender } from './sqs-queue.ts';

export type DecisionQueue = { enqueue(decision: AnyDecision): Promise<{ messageId: string | undefined }> };

export function decisionQueue(options: { queueUrl: string; sqs?: SqsSender | undefined }): DecisionQueue {
  let sqs: Promise<DecisionQueue> | undefined;
  return {
    async enqueue(decision) {
      sqs ??= import('./sqs-queue.ts').then((m) =>
        m.sqsDecisionQueue(options.sqs ?? m.defaultSqsClient(), options.queueUrl),
      );
      return (await sqs).enqueue(decision);
    },
  };
}
