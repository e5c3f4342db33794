/**
 * POST /decisions (API Gateway HTTP API, payload 2.0): approval-ticket webhooks. Queues the decision
 * (202), or executes it inline with `?wait=true` (200 with the outcome).
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { ContainerOverrides } from '../lib/app/container.ts';
import { webhookService } from '../lib/app/webhook-service.ts';
import { fromHttpApiEvent, toHttpApiResult } from '../lib/aws/http-api.ts';
import { safeHttpErrors } from '../lib/aws/middleware.ts';
import { createJsonLogger } from '../lib/log.ts';
import type { Env } from '../lib/secrets.ts';

/** The handler for an environment; the local stack and tests build their own with emulator clients. */
export function createWebhookHandler(env: Env, overrides: ContainerOverrides = {}) {
  const service = webhookService(env, overrides);
  const fallbackLogger = createJsonLogger({
    base: { service: 'decision-webhook' },
    ...(overrides.write ? { write: overrides.write } : {}),
  });
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(safeHttpErrors(() => fallbackLogger))
    .handler(async (event, context) =>
      toHttpApiResult(await service.handle(fromHttpApiEvent(event), context)),
    );
}

// Nothing is parsed or fetched at import: configuration and secrets load at the first event, once.
export const handler = createWebhookHandler(process.env);
