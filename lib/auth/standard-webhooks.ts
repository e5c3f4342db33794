/**
 * Standard Webhooks v1 (https://www.standardwebhooks.com): `webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64>` (several allowed, space-separated, for key rotation), HMAC-SHA256 of
 * `id.timestamp.body` with the key decoded from the `whsec_<base64>` secret.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './compare.ts';
import { replayWindowProblem } from './replay-window.ts';
import type { Headers, VerifyResult } from './types.ts';

/** Decodes `whsec_<base64>` (the prefix is optional, as in the reference libraries). */
export function decodeSigningSecret(secret: string): Buffer | undefined {
  const base64 = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined;
  const key = Buffer.from(base64, 'base64');
  return key.length >= 16 ? key : undefined;
}

/** Any listed v1 signature from any key verifies the request. */
export function verifyStandardWebhook(
  headers: Headers,
  body: Buffer,
  keys: readonly Buffer[],
  now: Date,
): VerifyResult {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (id === undefined || timestamp === undefined || signatures === undefined) {
    return { ok: false, reason: 'webhook-id, webhook-timestamp and webhook-signature are all required' };
  }
  const stale = replayWindowProblem('webhook-timestamp', timestamp, now);
  if (stale !== undefined) return { ok: false, reason: stale };
  const offered = signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  const content = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body]);
  for (const key of keys) {
    const expected = createHmac('sha256', key).update(content).digest();
    if (offered.some((sig) => constantTimeEqual(sig, expected))) return { ok: true };
  }
  return { ok: false, reason: 'no webhook-signature matches' };
}
