/**
 * POST /chatops/dingtalk: DingTalk interactive-card button clicks (the card's HTTP callback) and
 * typed commands to the robot (HTTP receive mode). Neither signature covers the body (lib/auth/
 * dingtalk.ts), so a click is acted on only when all of these hold: the signature verifies and its
 * timestamp is within ±5 minutes; this (timestamp, signature) pair was never seen (a conditional
 * write in the ledger, remembered past the window); the card's `outTrackId` names a request we raised
 * and still hold open; and the user may decide on that target (handleChatCommand's allowlist and the
 * rules' approvers). Anything else changes nothing and logs why. The answer comes within DingTalk's
 * 2 s: the decision goes to the queue, and the card is updated later, by the outcome notifier.
 */
import * as z from 'zod/mini';
import {
  hasDingtalkCardHeaders,
  verifyDingtalkCardCallback,
  verifyDingtalkRobotRequest,
} from '../auth/dingtalk.ts';
import { ConfigError, RequestRefusedError } from '../errors.ts';
import type { HttpRequest, HttpResponse } from '../http/api-gateway.ts';
import { type Logger, silentLogger } from '../log.ts';
import { answerWithin, CHAT_MAX_BODY_BYTES, type OpenRequest, openCard } from './china-common.ts';
import { replyMarkdown } from './china-messages.ts';
import { parseCommand } from './command.ts';
import { type ChatDeps, handleChatCommand } from './decide.ts';
import { answerOnce, type DeliveryOnceDeps } from './delivery-once.ts';
import { parseJsonAs } from './payloads.ts';

export type DingtalkDeps = Omit<ChatDeps, 'sourceKey'> & {
  /** `CHATOPS_SOURCE_SIGNING_KEY`: without it the function answers 503 (fail closed). */
  sourceKey: string | undefined;
  /** `DINGTALK_CARD_API_SECRET`, registered with the card callback: without it the route answers 503. */
  cardApiSecret: string | undefined;
  /** `DINGTALK_APP_SECRET`: signs the robot's messages; without it typed commands are refused. */
  appSecret: string | undefined;
  /** The ledger: each signed header pair is used once, and an event is acted on once. */
  delivery: DeliveryOnceDeps;
  openRequest: OpenRequest;
  /** Where a typed command's `sessionWebhook` may point (the body is unsigned). */
  sessionWebhookPrefix: string;
  /** Posts markdown to a conversation's `sessionWebhook`. */
  replyInSession?: (url: string, title: string, markdown: string) => Promise<void>;
  clock?: () => Date;
  /** How long a click may take before it is answered anyway (default 1.5 s of DingTalk's 2 s). */
  answerBudgetMs?: number;
};

type Configured = DingtalkDeps & ChatDeps & { cardApiSecret: string };

/** Header pairs are remembered past the ±5-minute window (card) and the 1-hour window (robot). */
const CARD_PAIR_TTL_MS = 15 * 60 * 1000;
const ROBOT_PAIR_TTL_MS = 2 * 60 * 60 * 1000 + 5 * 60 * 1000;
const DEFAULT_BUDGET_MS = 1_500;

const CardCallbackSchema = z.looseObject({
  type: z.optional(z.string()),
  outTrackId: z.string().check(z.minLength(1), z.maxLength(256)),
  userId: z.string().check(z.minLength(1), z.maxLength(64)),
  content: z.string(),
});
const CardContentSchema = z.looseObject({
  cardPrivateData: z.looseObject({
    actionIds: z.optional(z.array(z.string())),
    params: z.optional(z.record(z.string(), z.unknown())),
  }),
});
const RobotMessageSchema = z.looseObject({
  msgId: z.optional(z.string()),
  senderStaffId: z.string().check(z.minLength(1), z.maxLength(64)),
  conversationId: z.optional(z.string()),
  text: z.optional(z.looseObject({ content: z.optional(z.string()) })),
  sessionWebhook: z.optional(z.string()),
});

const json = (statusCode: number, body: unknown): HttpResponse => ({ statusCode, body });

/** The card callback's answer: only the clicking user's private `note` changes. */
export function cardAnswer(note: string): HttpResponse {
  return json(200, {
    cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
    cardData: { cardParamMap: {} },
    userPrivateData: { cardParamMap: { note } },
  });
}

export async function handleDingtalkRequest(
  request: HttpRequest,
  given: DingtalkDeps,
): Promise<HttpResponse> {
  const logger: Logger = given.logger ?? silentLogger;
  if (request.body.length > CHAT_MAX_BODY_BYTES)
    throw new RequestRefusedError('payload_too_large', `the body is over ${CHAT_MAX_BODY_BYTES} bytes`);
  const { sourceKey, cardApiSecret } = given;
  if (cardApiSecret === undefined || sourceKey === undefined) {
    const missing = cardApiSecret === undefined ? 'DINGTALK_CARD_API_SECRET' : 'CHATOPS_SOURCE_SIGNING_KEY';
    logger.error(`DingTalk is not configured: set ${missing}`, { missing });
    throw new ConfigError(missing, 'required by /chatops/dingtalk');
  }
  const deps: Configured = { ...given, sourceKey, cardApiSecret };
  const now = (deps.clock ?? (() => new Date()))();
  return hasDingtalkCardHeaders(request.headers)
    ? cardCallback(request, deps, now, logger)
    : robotMessage(request, deps, now, logger);
}

async function cardCallback(request: HttpRequest, deps: Configured, now: Date, logger: Logger) {
  const signed = verifyDingtalkCardCallback(request.headers, deps.cardApiSecret, now);
  if (!signed.ok) {
    logger.warn('DingTalk card callback refused', { reason: signed.reason });
    throw new RequestRefusedError('unauthorized', 'authentication failed');
  }
  const body = parseJsonAs(CardCallbackSchema, request.body.toString('utf8'));
  const content = body === undefined ? undefined : parseJsonAs(CardContentSchema, body.content);
  const data = content?.cardPrivateData;
  const action = data?.params?.action ?? data?.actionIds?.[0];
  // Read beside the claim of the header pair (a read changes nothing): one ledger round trip fewer
  // inside DingTalk's 2 s. Its answer is used only if the pair is ours to spend.
  const lookup =
    body === undefined ? undefined : openCard(body.outTrackId, deps.openRequest, logger, 'DingTalk');
  lookup?.catch(() => undefined);
  const work = async (): Promise<HttpResponse> => {
    if (body === undefined || lookup === undefined || (action !== 'accept' && action !== 'reject')) {
      logger.warn('DingTalk click refused: not an Accept or Reject of an approval card');
      return cardAnswer('This is not a vpcep-approval button.');
    }
    const card = await lookup;
    if (card === undefined) return cardAnswer('This request is no longer open.');
    const reply = await handleChatCommand(
      parseCommand(`${action} ${card.target} ${card.endpointId}`),
      {
        platform: 'dingtalk',
        user: body.userId,
        requestKey: `card:${body.outTrackId}:${body.userId}:${signed.timestamp}`,
        source: { system: 'dingtalk', ref: `card:${body.outTrackId}` },
        receivedAt: new Date(Number(signed.timestamp)),
      },
      deps,
    );
    return cardAnswer(replyMarkdown(reply));
  };
  // The pair is spent by its first use, whatever the body says: a replay with another body gets the
  // first answer back and causes nothing.
  return answerOnce(
    { kind: 'dingtalk-card', id: `${signed.timestamp}:${signed.signature}` },
    () =>
      answerWithin(
        work(),
        deps.answerBudgetMs ?? DEFAULT_BUDGET_MS,
        cardAnswer('Recording your click…'),
        logger,
      ),
    { ...deps.delivery, ttlMs: CARD_PAIR_TTL_MS },
    {
      inProgress: cardAnswer('Recording your click…'),
      onRepeat: () => logger.warn('DingTalk click refused: this signed header pair was already used'),
    },
  );
}

async function robotMessage(request: HttpRequest, deps: Configured, now: Date, logger: Logger) {
  if (deps.appSecret === undefined) {
    logger.warn('DingTalk robot message refused: DINGTALK_APP_SECRET is not set');
    throw new RequestRefusedError('unauthorized', 'authentication failed');
  }
  const signed = verifyDingtalkRobotRequest(request.headers, deps.appSecret, now);
  if (!signed.ok) {
    logger.warn('DingTalk robot message refused', { reason: signed.reason });
    throw new RequestRefusedError('unauthorized', 'authentication failed');
  }
  const work = async (): Promise<HttpResponse> => {
    const message = parseJsonAs(RobotMessageSchema, request.body.toString('utf8'));
    if (message === undefined) {
      logger.warn('DingTalk robot message refused: not a text message from a user');
      return json(200, {});
    }
    const url = message.sessionWebhook;
    const reply = await handleChatCommand(
      parseCommand((message.text?.content ?? '').trim()),
      {
        platform: 'dingtalk',
        user: message.senderStaffId,
        requestKey: `message:${message.msgId ?? `${signed.timestamp}:${signed.signature}`}`,
        source: {
          system: 'dingtalk',
          ref: `conversation:${message.conversationId ?? ''}`,
          ...(url?.startsWith(deps.sessionWebhookPrefix) ? { url } : {}),
        },
        receivedAt: new Date(Number(signed.timestamp)),
      },
      deps,
    );
    if (url === undefined || !url.startsWith(deps.sessionWebhookPrefix)) {
      logger.warn('not replying: the sessionWebhook is not a DingTalk address', {
        prefix: deps.sessionWebhookPrefix,
      });
      return json(200, {});
    }
    try {
      await deps.replyInSession?.(url, 'vpcep-approval', replyMarkdown(reply));
    } catch (error) {
      logger.warn('could not reply in DingTalk', { error });
    }
    return json(200, {});
  };
  return answerOnce(
    { kind: 'dingtalk-robot', id: `${signed.timestamp}:${signed.signature}` },
    () => answerWithin(work(), deps.answerBudgetMs ?? DEFAULT_BUDGET_MS, json(200, {}), logger),
    { ...deps.delivery, ttlMs: ROBOT_PAIR_TTL_MS },
    {
      inProgress: json(200, {}),
      onRepeat: () => logger.warn('DingTalk robot message refused: this signed header pair was already used'),
    },
  );
}
