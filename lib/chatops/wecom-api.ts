/**
 * The few WeCom (企业微信) API calls we make, as the self-built app `WECOM_AGENT_ID`: an access token
 * (cached until shortly before it expires), a `button_interaction` template card sent 1:1 to
 * approvers (WeCom cannot push clickable cards into a group), a markdown notice to an app-created
 * group, and updating a clicked card with its single-use `response_code`. WeCom answers errors as
 * `errcode` under HTTP 200; judgeWecomAnswer turns them into HTTP-like statuses for lib/retry.ts.
 * Create one client per container: the token cache lives in it.
 */
import * as z from 'zod/mini';
import { VpcepApprovalError } from '../errors.ts';
import { parseJsonAs } from './payloads.ts';
import { getJson, type PostResult, postJson } from './post.ts';

export type WecomApiConfig = { apiBase: string; corpId: string; corpSecret: string; agentId: number };

export type WecomApi = {
  /** Sends a template card to these users (one message, `touser` joined with `|`). */
  sendCard(users: readonly string[], card: unknown): Promise<PostResult>;
  /** A markdown message to an app-created group chat (`appchat/send`). */
  sendGroupMarkdown(chatId: string, content: string): Promise<PostResult>;
  /** Replaces the clicked card's buttons with one disabled button named `replaceName`. */
  updateCard(responseCode: string, replaceName: string): Promise<PostResult>;
};

export const WECOM_TOKEN_RENEW_EARLY_SECONDS = 5 * 60;

const TokenAnswerSchema = z.looseObject({
  errcode: z.number(),
  errmsg: z.optional(z.string()),
  access_token: z.optional(z.string().check(z.minLength(1))),
  expires_in: z.optional(z.number().check(z.gte(0))),
});

/** Token errors: the cached token was revoked or expired early; the next call fetches another. */
const TOKEN_ERRCODES = new Set([40014, 42001]);

export function createWecomApi(
  config: WecomApiConfig,
  io: { post?: typeof postJson; get?: typeof getJson } = {},
  clock: () => number = Date.now,
): WecomApi {
  const post = io.post ?? postJson;
  const get = io.get ?? getJson;
  let token: { value: string; until: number } | undefined;
  async function accessToken(): Promise<string> {
    if (token !== undefined && clock() < token.until) return token.value;
    const query = new URLSearchParams({ corpid: config.corpId, corpsecret: config.corpSecret });
    const answer = await get(`${config.apiBase}/cgi-bin/gettoken?${query}`, { timeoutMs: 3_000 });
    const body = parseJsonAs(TokenAnswerSchema, answer.text);
    if (body?.errcode !== 0 || body.access_token === undefined)
      throw new VpcepApprovalError(
        'WECOM_TOKEN_REFUSED',
        `WeCom token endpoint answered HTTP ${answer.status}, errcode ${body?.errcode ?? 'none'}`,
        { retryable: answer.status >= 500 || body?.errcode === -1, statusCode: 502 },
      );
    const lifetime = (body.expires_in ?? 7200) - WECOM_TOKEN_RENEW_EARLY_SECONDS;
    token = { value: body.access_token, until: clock() + Math.max(0, lifetime) * 1000 };
    return token.value;
  }
  async function call(path: string, body: unknown): Promise<PostResult> {
    const url = `${config.apiBase}${path}?access_token=${encodeURIComponent(await accessToken())}`;
    const result = await post(url, body, { timeoutMs: 3_000 });
    const errcode = parseJsonAs(z.looseObject({ errcode: z.number() }), result.text)?.errcode;
    if (errcode !== undefined && TOKEN_ERRCODES.has(errcode)) token = undefined;
    return result;
  }
  return {
    sendCard: (users, card) =>
      call('/cgi-bin/message/send', {
        touser: users.join('|'),
        msgtype: 'template_card',
        agentid: config.agentId,
        template_card: card,
      }),
    sendGroupMarkdown: (chatId, content) =>
      call('/cgi-bin/appchat/send', { chatid: chatId, msgtype: 'markdown', markdown: { content } }),
    updateCard: (responseCode, replaceName) =>
      call('/cgi-bin/message/update_template_card', {
        agentid: config.agentId,
        response_code: responseCode,
        button: { replace_name: replaceName },
      }),
  };
}

/**
 * WeCom's answer as an HTTP-like status: errcode 0 is success; a token error (retried with a fresh
 * token) and -1 "system busy" are transient (503); 45009 and 45033 are rate limits (429); any other
 * errcode is a refusal (400), and so is an answer of unknown shape.
 */
export function judgeWecomAnswer(result: PostResult): PostResult {
  if (result.status < 200 || result.status >= 300) return result;
  const errcode = parseJsonAs(z.looseObject({ errcode: z.number() }), result.text)?.errcode;
  if (errcode === 0) return result;
  if (errcode === -1 || (errcode !== undefined && TOKEN_ERRCODES.has(errcode)))
    return { status: 503, text: result.text };
  if (errcode === 45009 || errcode === 45033) return { status: 429, text: result.text };
  return { status: 400, text: result.text };
}
