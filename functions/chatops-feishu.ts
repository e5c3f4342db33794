/** POST /chatops/feishu: Feishu/Lark message commands and card buttons (the event and callback URL). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { handleFeishuRequest } from '../lib/chatops/feishu.ts';
import { type HttpApiEvent, type HttpApiResult, httpApi } from '../lib/http/api-gateway.ts';
import { httpErrors } from '../lib/http/errors.ts';
import type { Env } from '../lib/secrets.ts';
import { FeishuVariables, loadFeishuConfig } from './chatops-feishu/config.ts';
import { feishuDeps } from './chatops-feishu/deps.ts';
import { createLogger } from './commons/powertools/logger.ts';
import { createMetrics } from './commons/powertools/metrics.ts';
import { type Effects, wiring } from './commons/wiring.ts';

/** The handler for an environment; the local stack and tests build their own with emulator clients. */
export function createFeishuHandler(env: Env = process.env, effects: Effects = {}) {
  const log = createLogger('chatops-feishu', effects.write);
  const { metrics, recorder, publishRecorded } = createMetrics('chatops-feishu', log.logger, effects.write);
  const wired = wiring(env, log, { load: loadFeishuConfig, variables: FeishuVariables }, (config) =>
    feishuDeps(config, { logger: log.logger, metrics: recorder }, effects),
  );
  return middy<HttpApiEvent, HttpApiResult, Error, Context>()
    .use(injectLambdaContext(log.powertools, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(publishRecorded)
    .use(httpErrors(log.logger))
    .handler(httpApi(async (request) => handleFeishuRequest(request, (await wired()).deps)));
}

// Nothing is parsed or fetched at import: configuration and secrets load at the first event.
export const handler = createFeishuHandler();
