/** GET|POST /chatops/wecom: the WeCom app's URL check and encrypted events (approval card clicks). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { handleWecomRequest } from '../lib/chatops/wecom.ts';
import { type HttpApiEvent, type HttpApiResult, httpApi } from '../lib/http/api-gateway.ts';
import { httpErrors } from '../lib/http/errors.ts';
import type { Env } from '../lib/secrets.ts';
import { loadWecomConfig, WecomVariables } from './chatops-wecom/config.ts';
import { wecomDeps } from './chatops-wecom/deps.ts';
import { createLogger } from './commons/powertools/logger.ts';
import { createMetrics } from './commons/powertools/metrics.ts';
import { type Effects, wiring } from './commons/wiring.ts';

/** The handler for an environment; the local stack and tests build their own with emulator clients. */
export function createWecomHandler(env: Env = process.env, effects: Effects = {}) {
  const log = createLogger('chatops-wecom', effects.write);
  const { metrics, recorder, publishRecorded } = createMetrics('chatops-wecom', log.logger, effects.write);
  const wired = wiring(env, log, { load: loadWecomConfig, variables: WecomVariables }, (config) =>
    wecomDeps(config, { logger: log.logger, metrics: recorder }, effects),
  );
  return middy<HttpApiEvent, HttpApiResult, Error, Context>()
    .use(injectLambdaContext(log.powertools, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(publishRecorded)
    .use(httpErrors(log.logger))
    .handler(httpApi(async (request) => handleWecomRequest(request, (await wired()).deps)));
}

// Nothing is parsed or fetched at import: configuration and secrets load at the first event.
export const handler = createWecomHandler();
