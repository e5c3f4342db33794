/**
 * Slack request signing (v0): `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<timestamp>:<raw body>">`
 * keyed by the app's signing secret, with `X-Slack-Request-Timestamp` inside the replay window. Checked
 * before anything else looks at the request.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './compare.ts';
import { replayWindowProblem } from './replay-window.ts';
import type { Headers, VerifyResult } from './types.ts';

export function slackSignature(signingSecret: string, timestamp: string, rawBody: Buffer): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`;
}

export function verifySlackRequest(
  headers: Headers,
  rawBody: Buffer,
  signingSecret: string,
  now: Date,
): VerifyResult {
  const timestamp = headers['x-slack-request-timestamp'];
  const signature = headers['x-slack-signature'];
  if (timestamp === undefined || signature === undefined)
    return { ok: false, reason: 'Slack signature headers missing' };
  const stale = replayWindowProblem('X-Slack-Request-Timestamp', timestamp, now);
  if (stale !== undefined) return { ok: false, reason: stale };
  if (!constantTimeEqual(signature, slackSignature(signingSecret, timestamp, rawBody)))
    return { ok: false, reason: 'X-Slack-Signature does not match' };
  return { ok: true };
}
