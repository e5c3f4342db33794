/** API Gateway HTTP API (payload 2.0) events in and out of our transport-neutral request/response. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

export type HttpApiEvent = APIGatewayProxyEventV2;
export type HttpApiResult = APIGatewayProxyStructuredResultV2;

export type HttpRequest = {
  /** Lower-cased names, as payload 2.0 delivers them (comma-joined when repeated). */
  headers: Record<string, string | undefined>;
  /** The raw bytes: base64 bodies are decoded, so signatures are checked over what was sent. */
  body: Buffer;
  query: Record<string, string | undefined>;
};

export type HttpResponse = { statusCode: number; body: unknown; headers?: Record<string, string> };

export function fromHttpApiEvent(event: HttpApiEvent): HttpRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  const raw = event.body ?? '';
  return {
    headers,
    body: event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8'),
    query: { ...event.queryStringParameters },
  };
}

export function toHttpApiResult(response: HttpResponse): HttpApiResult {
  return {
    statusCode: response.statusCode,
    headers: { 'content-type': 'application/json', ...response.headers },
    // An undefined body is an empty 200, which is how Slack wants a button press acknowledged; a
    // text/plain string goes as is (WeCom's URL check wants the bare plaintext).
    body:
      response.body === undefined
        ? ''
        : typeof response.body === 'string' && response.headers?.['content-type']?.startsWith('text/plain')
          ? response.body
          : JSON.stringify(response.body),
  };
}

/** A handler over our request/response, as the HTTP API calls it (payload 2.0 in and out). */
export function httpApi(
  handle: (request: HttpRequest, context: Context) => Promise<HttpResponse>,
): (event: HttpApiEvent, context: Context) => Promise<HttpApiResult> {
  return async (event, context) => toHttpApiResult(await handle(fromHttpApiEvent(event), context));
}
