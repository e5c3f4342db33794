/**
 * Subscribed to the outcome topic (chat-originated outcomes only, by a filter on `sourceSystem`): posts
 * each outcome back to the Slack conversation or Feishu/Lark chat it was asked in. Its failures never
 * touch other subscribers; SNS delivers to each on its own.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SNSEvent } from 'aws-lambda';
import { deliverOutcomes } from '../lib/chatops/deliver.ts';
import type { Env } from '../lib/secrets.ts';
import { createLogger } from './commons/powertools/logger.ts';
import { createMetrics } from './commons/powertools/metrics.ts';
import { type Effects, wiring } from './commons/wiring.ts';
import { loadNotifierConfig, NotifierVariables } from './outcome-notifier/config.ts';
import { notifierDeps } from './outcome-notifier/deps.ts';

/** The handler for an environment; the local stack and tests build their own. */
export function createNotifierHandler(env: Env = process.env, effects: Effects = {}) {
  const log = createLogger('outcome-notifier', effects.write);
  const { metrics, recorder, publishRecorded } = createMetrics('outcome-notifier', log.logger, effects.write);
  const wired = wiring(env, log, { load: loadNotifierConfig, variables: NotifierVariables }, (config) =>
    notifierDeps(config, { logger: log.logger, metrics: recorder }, effects),
  );
  return middy<SNSEvent, void, Error, Context>()
    .use(injectLambdaContext(log.powertools, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(publishRecorded)
    .handler(async (event) => deliverOutcomes(event.Records, (await wired()).deps));
}

// Nothing is parsed or fetched at import: configuration and secrets load at the first event.
export const handler = createNotifierHandler();
