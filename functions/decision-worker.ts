/**
 * The decision queue's consumer (SQS FIFO, ReportBatchItemFailures): executes each decision, publishes
 * its outcome, and returns the records to retry.
 */
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { ContainerOverrides } from '../lib/app/container.ts';
import { workerService } from '../lib/app/worker-service.ts';
import type { Env } from '../lib/secrets.ts';

/** The handler for an environment; the local stack and tests build their own with emulator clients. */
export function createWorkerHandler(env: Env, overrides: ContainerOverrides = {}) {
  const service = workerService(env, overrides);
  return middy<SQSEvent, SQSBatchResponse, Error, Context>().handler((event, context) =>
    service.process(event.Records, context),
  );
}

// Nothing is parsed or fetched at import: configuration and secrets load at the first event, once.
export const handler = createWorkerHandler(process.env);
