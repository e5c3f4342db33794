/** middy middlewares shared by the HTTP functions. */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { toApprovalError } from '../errors.ts';
import type { Logger } from '../log.ts';

/**
 * Anything thrown past the handler becomes a JSON error: the message only for client errors, a generic
 * one otherwise, never a stack trace. The full error (redacted) goes to the log.
 */
export function safeHttpErrors(
  logger: () => Logger,
): MiddlewareObj<unknown, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const error = toApprovalError(request.error);
      logger().error('request failed', { code: error.code, error });
      const status = error.statusCode >= 500 && error.code === 'CONFIG_INVALID' ? 503 : error.statusCode;
      const body = error.expose
        ? { error: error.code, message: error.message }
        : { error: status === 503 ? 'not_configured' : 'internal_error' };
      request.response = {
        statusCode: status,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      };
    },
  };
}
