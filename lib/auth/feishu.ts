/**
 * Feishu/Lark event security with an Encrypt Key: the signature is
 * sha256(timestamp + nonce + encryptKey + raw body), hex, in `X-Lark-Signature`, with the timestamp
 * (`X-Lark-Request-Timestamp`, seconds) inside the replay window; the body `{"encrypt": "<base64>"}` is
 * AES-256-CBC with key sha256(encryptKey) and the first 16 bytes as IV. The Verification Token inside
 * the decrypted event is compared like every other secret.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { constantTimeEqual } from './compare.ts';
import { replayWindowProblem } from './replay-window.ts';
import type { Headers, VerifyResult } from './types.ts';

/** The headers that carry Feishu's signature; a request with any of them present must verify. */
export const FEISHU_SIGNATURE_HEADERS = [
  'x-lark-request-timestamp',
  'x-lark-request-nonce',
  'x-lark-signature',
] as const;

export function feishuSignature(
  timestamp: string,
  nonce: string,
  encryptKey: string,
  rawBody: Buffer,
): string {
  return createHash('sha256')
    .update(timestamp + nonce + encryptKey)
    .update(rawBody)
    .digest('hex');
}

export function hasFeishuSignature(headers: Headers): boolean {
  return FEISHU_SIGNATURE_HEADERS.some((name) => headers[name] !== undefined);
}

export function verifyFeishuRequest(
  headers: Headers,
  rawBody: Buffer,
  encryptKey: string,
  now: Date,
): VerifyResult {
  const timestamp = headers['x-lark-request-timestamp'];
  const nonce = headers['x-lark-request-nonce'];
  const signature = headers['x-lark-signature'];
  if (timestamp === undefined || nonce === undefined || signature === undefined)
    return { ok: false, reason: 'Lark signature headers missing' };
  const stale = replayWindowProblem('X-Lark-Request-Timestamp', timestamp, now);
  if (stale !== undefined) return { ok: false, reason: stale };
  if (!constantTimeEqual(signature.toLowerCase(), feishuSignature(timestamp, nonce, encryptKey, rawBody)))
    return { ok: false, reason: 'X-Lark-Signature does not match' };
  return { ok: true };
}

/** Whether the event's Verification Token is the configured one. */
export function verifyFeishuToken(given: string, verificationToken: string): boolean {
  return constantTimeEqual(given, verificationToken);
}

function keyOf(encryptKey: string): Buffer {
  return createHash('sha256').update(encryptKey).digest();
}

/** The plaintext, or undefined when the data does not decrypt with this key (wrong key, tampered). */
export function decryptFeishuBody(encrypt: string, encryptKey: string): string | undefined {
  const data = Buffer.from(encrypt, 'base64');
  if (data.length < 32 || data.length % 16 !== 0) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-cbc', keyOf(encryptKey), data.subarray(0, 16));
    return Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** What Feishu sends: for tests and the local stack's examples. */
export function encryptFeishuBody(
  plaintext: string,
  encryptKey: string,
  iv: Buffer = randomBytes(16),
): string {
  const cipher = createCipheriv('aes-256-cbc', keyOf(encryptKey), iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}
