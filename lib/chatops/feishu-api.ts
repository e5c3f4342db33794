/**
 * The few Feishu/Lark Open Platform calls we make: a tenant access token (cached until shortly before it
 * expires), replying to a message, and updating a card. Feishu and Lark differ only in the API base.
 */
import { type PostResult, postJson } from './post.ts';

export type FeishuApiConfig = { apiBase: string; appId: string; appSecret: string };

export type FeishuApi = {
  reply(
    messageId: string,
    message: { msg_type: 'text' | 'interactive'; content: string },
  ): Promise<PostResult>;
  updateCard(messageId: string, card: unknown): Promise<PostResult>;
};

export function createFeishuApi(config: FeishuApiConfig, post: typeof postJson = postJson): FeishuApi {
  let token: { value: string; until: number } | undefined;
  async function tenantToken(): Promise<string> {
    if (token !== undefined && Date.now() < token.until) return token.value;
    const answer = await post(
      `${config.apiBase}/open-apis/auth/v3/tenant_access_token/internal`,
      { app_id: config.appId, app_secret: config.appSecret },
      { timeoutMs: 3_000 },
    );
    const body = JSON.parse(answer.text) as {
      code?: number;
      tenant_access_token?: string;
      expire?: number;
      msg?: string;
    };
    if (body.code !== 0 || body.tenant_access_token === undefined)
      throw new Error(`Feishu token refused: ${body.code} ${body.msg ?? ''}`);
    // Renewed five minutes early, so a token never expires mid-call.
    token = { value: body.tenant_access_token, until: Date.now() + ((body.expire ?? 7200) - 300) * 1000 };
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
  };
}
