/** POST /chatops/feishu: Feishu/Lark message commands and card buttons (the event subscription URL). */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { feishuService } from '../lib/app/chatops-service.ts';
import type { ContainerOverrides } from '../lib/app/container.ts';
import { fromHttpApiEvent, toHttpApiResult } from '../lib/aws/http-api.ts';
import { safeHttpErrors } from '../lib/aws/middleware.ts';
import { createJsonLogger } from '../lib/log.ts';
import type { Env } from '../lib/secrets.ts';

/** The handler for an environment; the local stack and tests build their own with emulator clients. */
export function createFeishuHandler(env: Env, overrides: ContainerOverrides = {}) {
  const service = feishuService(env, overrides);
  const fallbackLogger = createJsonLogger({
    base: { service: 'chatops-feishu' },
    ...(overrides.write ? { write: overrides.write } : {}),
  });
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(safeHttpErrors(() => fallbackLogger))
    .handler(async (event, context) =>
      toHttpApiResult(await service.handle(fromHttpApiEvent(event), context)),
    );
}

// Nothing is parsed or fetched at import: configuration and secrets load at the first event, once.
export const handler = createFeishuHandler(process.env);
