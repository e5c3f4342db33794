/**
 * The most a request body may carry on the routes that take decisions (the chat routes): a command, a
 * button press or a Feishu event is a few kilobytes. Checked before anything else, so that no one can
 * make a function hash, decrypt or parse an unbounded body.
 */
import { RequestRefusedError } from '../errors.ts';
import type { HttpRequest } from './api-gateway.ts';

export const MAX_BODY_BYTES = 64 * 1024;

/** Throws `payload_too_large` (413) when the body is over `limit` bytes. */
export function refuseLargeBody(request: HttpRequest, limit = MAX_BODY_BYTES): void {
  if (request.body.length > limit)
    throw new RequestRefusedError('payload_too_large', `the body is over ${limit} bytes`);
}
