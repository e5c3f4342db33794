/** The decision worker function's service: the container's clients wired into processDecisionRecords. */
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { processDecisionRecords } from '../queue/worker.ts';
import type { Env } from '../secrets.ts';
import { type ContainerOverrides, invocationDeadline, lazyContainer } from './container.ts';
import type { InvocationContext } from './webhook-service.ts';

export function workerService(env: Env, overrides: ContainerOverrides = {}) {
  const container = lazyContainer(env, overrides);
  return {
    async process(records: readonly SQSRecord[], context: InvocationContext): Promise<SQSBatchResponse> {
      const c = await container();
      try {
        return await processDecisionRecords(records, {
          execute: (decision) => c.execute(decision, invocationDeadline(context.getRemainingTimeInMillis())),
          publisher: { publish: async (outcome) => (await c.publisher()).publish(outcome) },
          maxReceiveCount: c.config.maxReceiveCount,
          logger: c.logger,
        });
      } finally {
        c.metrics.flush();
      }
    },
  };
}
