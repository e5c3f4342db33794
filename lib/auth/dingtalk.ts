/**
 * DingTalk's two HTTP signatures. Neither covers the body: each is an HMAC-SHA256 over a timestamp
 * only, so a captured header pair could be replayed with another body. The verifiers here check the
 * signature and the freshness window; the caller makes each (timestamp, signature) pair single-use
 * and checks what the body claims (lib/chatops/dingtalk.ts).
 *
 * - Interactive card callbacks (`x-ddpaas-signature-timestamp`, ms; `x-ddpaas-signature`):
 *   Base64(HmacSHA256(key = the callback's apiSecret, message = the timestamp)). DingTalk documents no
 *   window; we accept ±5 minutes.
 * - Robot messages in HTTP receive mode (`timestamp`, ms; `sign`):
 *   Base64(HmacSHA256(key = the app secret, message = timestamp + "\n" + app secret)), within 1 hour.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './compare.ts';
import type { Headers } from './types.ts';

export const DINGTALK_CARD_WINDOW_MS = 5 * 60 * 1000;
export const DINGTALK_ROBOT_WINDOW_MS = 60 * 60 * 1000;

export function dingtalkCardSignature(apiSecret: string, timestamp: string): string {
  return createHmac('sha256', apiSecret).update(timestamp).digest('base64');
}

export function dingtalkRobotSignature(appSecret: string, timestamp: string): string {
  return createHmac('sha256', appSecret).update(`${timestamp}\n${appSecret}`).digest('base64');
}

/** Undefined when `timestamp` (from `header`) is a time in milliseconds within `windowMs` of now. */
export function msWindowProblem(
  header: string,
  timestamp: string,
  now: Date,
  windowMs: number,
): string | undefined {
  if (!/^\d{1,15}$/.test(timestamp)) return `${header} is not a Unix time in milliseconds`;
  if (Math.abs(now.getTime() - Number(timestamp)) > windowMs)
    return `${header} is outside the ${windowMs / 60_000}-minute tolerance`;
  return undefined;
}

/** The signed header pair of a card callback, once verified: the caller makes it single-use. */
export type SignedPair = { timestamp: string; signature: string };

export type PairResult = ({ ok: true } & SignedPair) | { ok: false; reason: string };

export function verifyDingtalkCardCallback(headers: Headers, apiSecret: string, now: Date): PairResult {
  const timestamp = headers['x-ddpaas-signature-timestamp'];
  const signature = headers['x-ddpaas-signature'];
  if (timestamp === undefined || signature === undefined)
    return { ok: false, reason: 'DingTalk card signature headers missing' };
  const stale = msWindowProblem('x-ddpaas-signature-timestamp', timestamp, now, DINGTALK_CARD_WINDOW_MS);
  if (stale !== undefined) return { ok: false, reason: stale };
  if (!constantTimeEqual(signature, dingtalkCardSignature(apiSecret, timestamp)))
    return { ok: false, reason: 'x-ddpaas-signature does not match' };
  return { ok: true, timestamp, signature };
}

export function verifyDingtalkRobotRequest(headers: Headers, appSecret: string, now: Date): PairResult {
  const timestamp = headers.timestamp;
  const signature = headers.sign;
  if (timestamp === undefined || signature === undefined)
    return { ok: false, reason: 'DingTalk robot signature headers missing' };
  const stale = msWindowProblem('timestamp', timestamp, now, DINGTALK_ROBOT_WINDOW_MS);
  if (stale !== undefined) return { ok: false, reason: stale };
  if (!constantTimeEqual(signature, dingtalkRobotSignature(appSecret, timestamp)))
    return { ok: false, reason: 'sign does not match' };
  return { ok: true, timestamp, signature };
}

/** Whether the request carries the card callback's headers (else it is a robot message). */
export function hasDingtalkCardHeaders(headers: Headers): boolean {
  return headers['x-ddpaas-signature-timestamp'] !== undefined || headers['x-ddpaas-signature'] !== undefined;
}
