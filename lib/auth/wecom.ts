/**
 * WeCom (企业微信) callback security for a self-built app. The signature `msg_signature` is the hex
 * SHA-1 of the sorted, concatenated [token, timestamp, nonce, encrypted message], so it covers the
 * encrypted body. The body is AES-256-CBC with key Base64_Decode(EncodingAESKey + "="), IV the key's
 * first 16 bytes, and PKCS#7 padding to a multiple of 32 bytes (not 16: Node's automatic unpadding
 * refuses it, so padding is removed by hand). The plaintext is random(16) + length(4, big-endian) +
 * message + receive id, and the receive id must be our CorpID.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { constantTimeEqual } from './compare.ts';

const BLOCK = 32;

export function wecomSignature(token: string, timestamp: string, nonce: string, encrypted: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypted].sort().join('')).digest('hex');
}

/** The 32-byte AES key, or undefined when the EncodingAESKey is not 43 Base64 characters. */
export function wecomKey(encodingAesKey: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) return undefined;
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  return key.length === 32 ? key : undefined;
}

export type WecomDecrypted = { ok: true; message: string } | { ok: false; reason: string };

export function decryptWecom(encrypted: string, key: Buffer, corpId: string): WecomDecrypted {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted)) return { ok: false, reason: 'encrypted text is not Base64' };
  const data = Buffer.from(encrypted, 'base64');
  if (data.length === 0 || data.length % BLOCK !== 0)
    return { ok: false, reason: 'encrypted text is not whole 32-byte blocks' };
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    return { ok: false, reason: 'does not decrypt' };
  }
  const pad = plain[plain.length - 1] as number;
  if (pad < 1 || pad > BLOCK || !plain.subarray(plain.length - pad).every((b) => b === pad))
    return { ok: false, reason: 'bad padding' };
  const content = plain.subarray(16, plain.length - pad);
  if (content.length < 4) return { ok: false, reason: 'too short' };
  const length = content.readUInt32BE(0);
  if (length > content.length - 4) return { ok: false, reason: 'message length out of range' };
  const receiveId = content.subarray(4 + length);
  if (!constantTimeEqual(receiveId, Buffer.from(corpId, 'utf8')))
    return { ok: false, reason: 'receive id is not WECOM_CORP_ID' };
  return { ok: true, message: content.subarray(4, 4 + length).toString('utf8') };
}

/** What WeCom sends (for tests, the bench and the local stack's examples). */
export function encryptWecom(
  message: string,
  key: Buffer,
  corpId: string,
  random: Buffer = randomBytes(16),
): string {
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const plain = Buffer.concat([random, length, body, Buffer.from(corpId, 'utf8')]);
  const pad = BLOCK - (plain.length % BLOCK);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([
    cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])),
    cipher.final(),
  ]).toString('base64');
}

export type WecomSigned = { msgSignature: string; timestamp: string; nonce: string; encrypted: string };

export type WecomSecrets = { token: string; key: Buffer; corpId: string };

/** Checks the signature, then decrypts: the plaintext (URL check: the echo; event: the XML). */
export function openWecomMessage(signed: WecomSigned, secrets: WecomSecrets): WecomDecrypted {
  const expected = wecomSignature(secrets.token, signed.timestamp, signed.nonce, signed.encrypted);
  if (!constantTimeEqual(signed.msgSignature.toLowerCase(), expected))
    return { ok: false, reason: 'msg_signature does not match' };
  return decryptWecom(signed.encrypted, secrets.key, secrets.corpId);
}
