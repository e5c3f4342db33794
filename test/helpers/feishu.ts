/** Feishu/Lark event callbacks built as the platform sends them: encrypted, signed. */
import { randomUUID } from 'node:crypto';
import { encryptFeishuBody, feishuSignature } from '../../lib/auth/feishu.ts';

export const FEISHU_KEY = 'feishu-encrypt-key-for-tests';
export const FEISHU_TOKEN = 'feishu-verification-token';

export function feishuRequest(
  event: unknown,
  options: { key?: string; timestamp?: number; sign?: boolean } = {},
) {
  const body = Buffer.from(
    JSON.stringify({ encrypt: encryptFeishuBody(JSON.stringify(event), options.key ?? FEISHU_KEY) }),
  );
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = randomUUID();
  const headers: Record<string, string> =
    options.sign === false
      ? { 'content-type': 'application/json' }
      : {
          'content-type': 'application/json',
          'x-lark-request-timestamp': timestamp,
          'x-lark-request-nonce': nonce,
          'x-lark-signature': feishuSignature(timestamp, nonce, options.key ?? FEISHU_KEY, body),
        };
  return { headers, body, query: {} };
}

export function messageEvent(
  text: string,
  options: { user?: string; eventId?: string; messageId?: string } = {},
) {
  return {
    schema: '2.0',
    header: {
      event_id: options.eventId ?? randomUUID(),
      event_type: 'im.message.receive_v1',
      token: FEISHU_TOKEN,
      create_time: String(Date.now()),
    },
    event: {
      sender: { sender_id: { open_id: options.user ?? 'ou_alice' } },
      message: {
        message_id: options.messageId ?? `om_${randomUUID().slice(0, 8)}`,
        chat_id: 'oc_chat',
        message_type: 'text',
        content: JSON.stringify({ text: `@_user_1 ${text}` }),
      },
    },
  };
}

export function cardEvent(
  value: unknown,
  options: { user?: string; eventId?: string; messageId?: string } = {},
) {
  return {
    schema: '2.0',
    header: {
      event_id: options.eventId ?? randomUUID(),
      event_type: 'card.action.trigger',
      token: FEISHU_TOKEN,
    },
    event: {
      operator: { open_id: options.user ?? 'ou_alice' },
      token: 'c-update-token',
      action: { tag: 'button', value },
      context: { open_message_id: options.messageId ?? 'om_card1', open_chat_id: 'oc_chat' },
    },
  };
}
