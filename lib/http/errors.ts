/**
 * The one place an error becomes an HTTP answer. Logic throws taxonomy errors (lib/errors.ts); this
 * middleware answers with the error's status and the one body shape
 * `{"error": <code>, "message"?, "issues"?, "decisionId"?}`: the message only when the error is
 * exposed, never a stack or an internal message. The full error (redacted) goes to the log.
 */
import type { MiddlewareObj } from '@middy/core';
import {
  PolicyDeniedError,
  type RequestErrorCode,
  toApprovalError,
  UnavailableError,
  ValidationError,
} from '../errors.ts';
import type { Logger } from '../log.ts';
import { type HttpApiResult, type HttpResponse, toHttpApiResult } from './api-gateway.ts';

/** The one error body: `error` is always a RequestErrorCode. */
export type ErrorResponse = HttpResponse & { body: { error: RequestErrorCode } & Record<string, unknown> };

/** The answer for any error thrown while handling a request. */
export function errorResponse(thrown: unknown): ErrorResponse {
  const error = toApprovalError(thrown);
  // A failure from further in (a Huawei call, say) is not the caller's business beyond "retry" or not.
  const code = error.code;
  if (!isRequestErrorCode(code))
    return error.retryable
      ? { statusCode: 503, body: { error: 'unavailable' } }
      : { statusCode: 500, body: { error: 'internal_error' } };
  const body: ErrorResponse['body'] = { error: code };
  if (error instanceof ValidationError) body.issues = error.issues;
  else if (error.expose) body.message = error.message;
  if ((error instanceof PolicyDeniedError || error instanceof UnavailableError) && error.decisionId)
    body.decisionId = error.decisionId;
  return { statusCode: error.statusCode, body };
}

function isRequestErrorCode(code: string): code is RequestErrorCode {
  return REQUEST_CODES.has(code);
}

const REQUEST_CODES: ReadonlySet<string> = new Set<RequestErrorCode>([
  'invalid_request',
  'invalid_decision',
  'denied',
  'unauthorized',
  'payload_too_large',
  'unsupported_media_type',
  'not_configured',
  'unavailable',
  'internal_error',
]);

export function httpErrors(logger: Logger): MiddlewareObj<unknown, HttpApiResult> {
  return {
    onError: async (request) => {
      const response = errorResponse(request.error);
      const fields = { status: response.statusCode, error: request.error };
      if (response.statusCode >= 500) logger.error('request failed', fields);
      else logger.warn('request refused', fields);
      request.response = toHttpApiResult(response);
    },
  };
}
