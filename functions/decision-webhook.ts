/**
 * POST /decisions (API Gateway HTTP API, payload 2.0): approval-ticket webhooks. Queues the decision
 * (202), or executes it inline with `?wait=true` (200 with the outcome, which is published too).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type HttpApiEvent, type HttpApiResult, httpApi } from '../lib/http/api-gateway.ts';
import { httpErrors } from '../lib/http/errors.ts';
import type { Env } from '../lib/secrets.ts';
import { handleDecisionWebhook } from '../lib/webhook/handle.ts';
import { createLogger } from './commons/powertools/logger.ts';
import { createMetrics } from './commons/powertools/metrics.ts';
import { type Effects, invocationDeadline, wiring } from './commons/wiring.ts';
import { loadWebhookConfig, WebhookVariables } from './decision-webhook/config.ts';
import { webhookDeps } from './decision-webhook/deps.ts';

/** The handler for an environment; the local stack and tests build their own with emulator clients. */
export function createWebhookHandler(env: Env = process.env, effects: Effects = {}) {
  const log = createLogger('decision-webhook', effects.write);
  const { metrics, recorder, publishRecorded } = createMetrics('decision-webhook', log.logger, effects.write);
  const wired = wiring(env, log, { load: loadWebhookConfig, variables: WebhookVariables }, (config) =>
    webhookDeps(config, { logger: log.logger, metrics: recorder }, effects),
  );
  return middy<HttpApiEvent, HttpApiResult, Error, Context>()
    .use(injectLambdaContext(log.powertools, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(publishRecorded)
    .use(httpErrors(log.logger))
    .handler(
      httpApi(async (request, context) => {
        const { deps } = await wired();
        return handleDecisionWebhook(request, deps(invocationDeadline(context)));
      }),
    );
}

// Nothing is parsed or fetched at import: configuration and secrets load at the first event.
export const handler = createWebhookHandler();
