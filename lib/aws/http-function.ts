/**
 * The middy handler every HTTP API function shares: payload 2.0 in, our request/response in between,
 * and safe JSON errors out. Each function supplies only its service.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createJsonLogger } from '../log.ts';
import { fromHttpApiEvent, type HttpRequest, type HttpResponse, toHttpApiResult } from './http-api.ts';
import { safeHttpErrors } from './middleware.ts';

export type HttpService = { handle(request: HttpRequest, context: Context): Promise<HttpResponse> };

export function httpFunction(name: string, service: HttpService, write?: (line: string) => void) {
  // Used only for failures that escape the service, which may come before its own logger exists.
  const fallbackLogger = createJsonLogger({
    base: { service: name },
    ...(write === undefined ? {} : { write }),
  });
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(safeHttpErrors(() => fallbackLogger))
    .handler(async (event, context) =>
      toHttpApiResult(await service.handle(fromHttpApiEvent(event), context)),
    );
}
