/**
 * The decision queue's consumer (SQS FIFO, ReportBatchItemFailures): executes each decision, publishes
 * its outcome, and returns the records to retry.
 *
 * Powertools' SqsFifoPartialProcessor does not fit, so the batch logic is ours (lib/queue/fifo-batch.ts,
 * the last-receive rule in lib/queue/worker.ts): it takes records one at a time across the whole
 * batch, where we run groups (targets) in parallel and only a group's own records in order; by default
 * its first failure returns every later record of every group (with `skipGroupOnError`, of that group
 * only); and a failure is whatever the record handler throws, with no notion of the receive count,
 * where a record on its last receive must still publish its outcome before it goes to the dead-letter
 * queue, and then no longer holds its group back.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { processDecisionRecords } from '../lib/queue/worker.ts';
import type { Env } from '../lib/secrets.ts';
import { createLogger } from './commons/powertools/logger.ts';
import { createMetrics } from './commons/powertools/metrics.ts';
import { type Effects, invocationDeadline, wiring } from './commons/wiring.ts';
import { loadWorkerConfig, WorkerVariables } from './decision-worker/config.ts';
import { workerDeps } from './decision-worker/deps.ts';

/** The handler for an environment; the local stack and tests build their own with emulator clients. */
export function createWorkerHandler(env: Env = process.env, effects: Effects = {}) {
  const log = createLogger('decision-worker', effects.write);
  const { metrics, recorder, publishRecorded } = createMetrics('decision-worker', log.logger, effects.write);
  const wired = wiring(env, log, { load: loadWorkerConfig, variables: WorkerVariables }, (config) =>
    workerDeps(config, { logger: log.logger, metrics: recorder }, effects),
  );
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(log.powertools, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(publishRecorded)
    .handler(async (event, context) => {
      const { deps } = await wired();
      return processDecisionRecords(event.Records, deps(invocationDeadline(context)));
    });
}

// Nothing is parsed or fetched at import: configuration and secrets load at the first event.
export const handler = createWorkerHandler();
