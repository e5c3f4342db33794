/** Feishu/Lark event callbacks authenticated: signature first, then decryption and the token. */
import * as z from 'zod/mini';
import {
  decryptFeishuBody,
  hasFeishuSignature,
  verifyFeishuRequest,
  verifyFeishuToken,
} from '../auth/feishu.ts';
import { RequestRefusedError } from '../errors.ts';
import type { HttpRequest } from '../http/api-gateway.ts';
import type { Logger } from '../log.ts';
import { type FeishuEvent, FeishuEventSchema, parseJsonAs } from './payloads.ts';

const EncryptedBodySchema = z.looseObject({ encrypt: z.string() });
/** An encrypted url_verification challenge is a few hundred bytes; an unsigned body is never more. */
const MAX_CHALLENGE_BYTES = 4 * 1024;

/**
 * The event, once the request is authenticated: the signature over the raw body is checked before the
 * body is decrypted. Only the url_verification challenge comes unsigned (Feishu sends it so); an
 * unsigned body is decrypted only when it is no bigger than a challenge, and must be one.
 */
export function authenticateFeishuEvent(
  request: HttpRequest,
  keys: { encryptKey: string; verificationToken: string; now: Date },
  logger: Logger,
): FeishuEvent {
  const { encryptKey, verificationToken } = keys;
  const signed = hasFeishuSignature(request.headers);
  if (signed) {
    const verified = verifyFeishuRequest(request.headers, request.body, encryptKey, keys.now);
    if (!verified.ok) {
      logger.warn('Feishu signature rejected', { reason: verified.reason });
      throw new RequestRefusedError('unauthorized', 'authentication failed');
    }
  } else if (request.body.length > MAX_CHALLENGE_BYTES) {
    logger.warn('unsigned Feishu request that is not a challenge');
    throw new RequestRefusedError('unauthorized', 'authentication failed');
  }
  const encrypted = parseJsonAs(EncryptedBodySchema, request.body.toString('utf8'))?.encrypt;
  const plaintext = typeof encrypted === 'string' ? decryptFeishuBody(encrypted, encryptKey) : undefined;
  const event = plaintext === undefined ? undefined : parseJsonAs(FeishuEventSchema, plaintext);
  if (event === undefined) {
    logger.warn('Feishu body is not encrypted with the Encrypt Key');
    throw new RequestRefusedError('unauthorized', 'authentication failed');
  }
  const token = event.header?.token ?? event.token ?? '';
  if (!verifyFeishuToken(token, verificationToken))
    throw new RequestRefusedError('unauthorized', 'authentication failed');
  if (!signed && event.type !== 'url_verification') {
    logger.warn('unsigned Feishu request that is not a challenge');
    throw new RequestRefusedError('unauthorized', 'authentication failed');
  }
  return event;
}
