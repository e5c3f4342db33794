/**
 * The few Feishu/Lark Open Platform calls we make: a tenant access token (cached until shortly before it
 * expires), replying to a message, updating a card, and sending a card to a group chat. Feishu and Lark differ only in the API base.
 * Create one client per container: the token cache lives in it.
 */
import { FeishuTokenError } from '../errors.ts';
import { FeishuTokenAnswerSchema } from './answers.ts';
import { parseJsonAs } from './payloads.ts';
import { type PostResult, postJson } from './post.ts';

export type FeishuApiConfig = { apiBase: string; appId: string; appSecret: string };

export type FeishuApi = {
  reply(
    messageId: string,
    message: { msg_type: 'text' | 'interactive'; content: string },
  ): Promise<PostResult>;
  updateCard(messageId: string, card: unknown): Promise<PostResult>;
  /** Sends a new message to a group chat (`receive_id_type=chat_id`). */
  sendToChat(
    chatId: string,
    message: { msg_type: 'text' | 'interactive'; content: string },
  ): Promise<PostResult>;
};

/** A token is renewed this long before Feishu says it expires, so it never expires mid-call. */
export const TOKEN_RENEW_EARLY_SECONDS = 5 * 60;
/** Feishu's documented lifetime, for an answer that leaves `expire` out. */
const DEFAULT_EXPIRE_SECONDS = 2 * 60 * 60;

export function createFeishuApi(
  config: FeishuApiConfig,
  post: typeof postJson = postJson,
  clock: () => number = Date.now,
): FeishuApi {
  let token: { value: string; until: number } | undefined;
  async function tenantToken(): Promise<string> {
    if (token !== undefined && clock() < token.until) return token.value;
    const answer = await post(
      `${config.apiBase}/open-apis/auth/v3/tenant_access_token/internal`,
      { app_id: config.appId, app_secret: config.appSecret },
      { timeoutMs: 3_000 },
    );
    const body = parseJsonAs(FeishuTokenAnswerSchema, answer.text);
    if (body === undefined)
      throw new FeishuTokenError(
        `Feishu token endpoint answered HTTP ${answer.status} with an unknown shape`,
      );
    if (body.code !== 0 || body.tenant_access_token === undefined)
      throw new FeishuTokenError(`Feishu token refused: ${body.code} ${body.msg ?? ''}`);
    const lifetime = (body.expire ?? DEFAULT_EXPIRE_SECONDS) - TOKEN_RENEW_EARLY_SECONDS;
    token = { value: body.tenant_access_token, until: clock() + Math.max(0, lifetime) * 1000 };
    return token.value;
  }
  const auth = async () => ({ authorization: `Bearer ${await tenantToken()}` });
  return {
    async reply(messageId, message) {
      return post(
        `${config.apiBase}/open-apis/im/v1/messages/${encodeURIComponent(messageId)}/reply`,
        message,
        { timeoutMs: 3_000, headers: await auth() },
      );
    },
    async updateCard(messageId, card) {
      return post(
        `${config.apiBase}/open-apis/im/v1/messages/${encodeURIComponent(messageId)}`,
        { content: JSON.stringify(card) },
        { timeoutMs: 3_000, headers: await auth(), method: 'PATCH' },
      );
    },
    async sendToChat(chatId, message) {
      return post(
        `${config.apiBase}/open-apis/im/v1/messages?receive_id_type=chat_id`,
        { receive_id: chatId, ...message },
        { timeoutMs: 3_000, headers: await auth() },
      );
    },
  };
}
