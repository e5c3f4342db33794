/**
 * Feishu/Lark event security with an Encrypt Key: the signature is
 * sha256(timestamp + nonce + encryptKey + raw body), hex, in `X-Lark-Signature`, with the timestamp
 * (`X-Lark-Request-Timestamp`, seconds) within five minutes; the body `{"encrypt": "<base64>"}` is
 * AES-256-CBC with key sha256(encryptKey) and the first 16 bytes as IV.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const FEISHU_TOLERANCE_SECONDS = 5 * 60;

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

export function verifyFeishuRequest(
  headers: Readonly<Record<string, string | undefined>>,
  rawBody: Buffer,
  encryptKey: string,
  now: Date,
): { ok: true } | { ok: false; reason: string } {
  const timestamp = headers['x-lark-request-timestamp'];
  const nonce = headers['x-lark-request-nonce'];
  const signature = headers['x-lark-signature'];
  if (timestamp === undefined || nonce === undefined || signature === undefined)
    return { ok: false, reason: 'Lark signature headers missing' };
  if (!/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: 'X-Lark-Request-Timestamp is not a Unix time' };
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > FEISHU_TOLERANCE_SECONDS) {
    return { ok: false, reason: 'X-Lark-Request-Timestamp is outside the 5-minute tolerance' };
  }
  const expected = Buffer.from(feishuSignature(timestamp, nonce, encryptKey, rawBody));
  const given = Buffer.from(signature.toLowerCase());
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'X-Lark-Signature does not match' };
  return { ok: true };
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
