/**
 * The few DingTalk Open API calls we make: an app access token (cached until shortly before it
 * expires), sending an interactive card to the approval group (`createAndDeliver`, with the card's
 * buttons calling back over HTTP), and updating a card by its `outTrackId`. Create one client per
 * container: the token cache lives in it. Retries are the caller's (postWithRetries, lib/retry.ts).
 */
import * as z from 'zod/mini';
import { VpcepApprovalError } from '../errors.ts';
import { parseJsonAs } from './payloads.ts';
import { type PostResult, postJson } from './post.ts';

export type DingtalkApiConfig = { apiBase: string; appKey: string; appSecret: string };

/** Every value in a card's parameter map is a string (DingTalk's card API requires it). */
export type CardParams = Record<string, string>;

export type DingtalkCard = {
  cardTemplateId: string;
  outTrackId: string;
  callbackRouteKey: string;
  /** The group (`openConversationId`) the card goes to, through the robot. */
  conversationId: string;
  robotCode: string;
  params: CardParams;
};

export type DingtalkApi = {
  createAndDeliver(card: DingtalkCard): Promise<PostResult>;
  updateCard(outTrackId: string, params: CardParams): Promise<PostResult>;
};

/** A token is renewed this long before DingTalk says it expires, so it never expires mid-call. */
export const DINGTALK_TOKEN_RENEW_EARLY_SECONDS = 5 * 60;

const TokenAnswerSchema = z.looseObject({
  accessToken: z.optional(z.string().check(z.minLength(1))),
  expireIn: z.optional(z.number().check(z.gte(0))),
});

export function createDingtalkApi(
  config: DingtalkApiConfig,
  post: typeof postJson = postJson,
  clock: () => number = Date.now,
): DingtalkApi {
  let token: { value: string; until: number } | undefined;
  async function accessToken(): Promise<string> {
    if (token !== undefined && clock() < token.until) return token.value;
    const answer = await post(
      `${config.apiBase}/v1.0/oauth2/accessToken`,
      { appKey: config.appKey, appSecret: config.appSecret },
      { timeoutMs: 3_000 },
    );
    const body = parseJsonAs(TokenAnswerSchema, answer.text);
    if (answer.status !== 200 || body?.accessToken === undefined)
      throw new VpcepApprovalError(
        'DINGTALK_TOKEN_REFUSED',
        `DingTalk token endpoint answered HTTP ${answer.status} without an accessToken`,
        { retryable: answer.status >= 500 || answer.status === 429, statusCode: 502 },
      );
    const lifetime = (body.expireIn ?? 7200) - DINGTALK_TOKEN_RENEW_EARLY_SECONDS;
    token = { value: body.accessToken, until: clock() + Math.max(0, lifetime) * 1000 };
    return token.value;
  }
  const headers = async () => ({ 'x-acs-dingtalk-access-token': await accessToken() });
  return {
    async createAndDeliver(card) {
      return post(
        `${config.apiBase}/v1.0/card/instances/createAndDeliver`,
        {
          cardTemplateId: card.cardTemplateId,
          outTrackId: card.outTrackId,
          callbackType: 'HTTP',
          callbackRouteKey: card.callbackRouteKey,
          cardData: { cardParamMap: card.params },
          openSpaceId: `dtv1.card//IM_GROUP.${card.conversationId}`,
          imGroupOpenSpaceModel: { supportForward: false },
          imGroupOpenDeliverModel: { robotCode: card.robotCode },
        },
        { timeoutMs: 3_000, headers: await headers() },
      );
    },
    async updateCard(outTrackId, params) {
      return post(
        `${config.apiBase}/v1.0/card/instances`,
        {
          outTrackId,
          cardData: { cardParamMap: params },
          cardUpdateOptions: { updateCardDataByKey: true },
        },
        { timeoutMs: 3_000, headers: await headers(), method: 'PUT' },
      );
    },
  };
}

/** DingTalk's card API answers `{success: true}` (or a result) under 2xx; anything else is a refusal. */
export function judgeDingtalkAnswer(result: PostResult): PostResult {
  if (result.status < 200 || result.status >= 300) return result;
  const answer = parseJsonAs(z.looseObject({ success: z.optional(z.boolean()) }), result.text);
  return answer !== undefined && answer.success !== false ? result : { status: 400, text: result.text };
}

/** A `sessionWebhook` reply (typed commands) answers `{errcode: 0}`. */
export function judgeDingtalkWebhookAnswer(result: PostResult): PostResult {
  if (result.status < 200 || result.status >= 300) return result;
  const answer = parseJsonAs(z.looseObject({ errcode: z.number() }), result.text);
  return answer?.errcode === 0 ? result : { status: 400, text: result.text };
}
