/**
 * POST /chatops/feishu: Feishu/Lark event callbacks — message commands (`im.message.receive_v1`) and
 * card button presses (`card.action.trigger`). Bodies are encrypted with the app's Encrypt Key. A body
 * over 64 KB is refused first; a signed request is verified before its body is decrypted. The
 * url_verification challenge comes without signature headers, so it is answered when it decrypts with
 * the key and carries the verification token (and, if it does carry signature headers, when they
 * verify); every other event must be signed. Redelivered events are recognized by event id.
 */
import * as z from 'zod/mini';
import { ConfigError, RequestRefusedError } from '../errors.ts';
import type { HttpRequest, HttpResponse } from '../http/api-gateway.ts';
import { refuseLargeBody } from '../http/body-limit.ts';
import { type Logger, silentLogger } from '../log.ts';
import { parseCommand } from './command.ts';
import { type ChatDeps, handleChatCommand } from './decide.ts';
import { type DecidedRequest, decidedText } from './decided-request.ts';
import { answerOnce, type DeliveryOnceDeps, feishuDeliveryKey } from './delivery-once.ts';
import { authenticateFeishuEvent } from './feishu-event.ts';
import { type FeishuMessage, feishuReply } from './feishu-messages.ts';
import { type FeishuEvent, parseJsonAs } from './payloads.ts';

export type FeishuDeps = Omit<ChatDeps, 'sourceKey'> & {
  /** `CHATOPS_SOURCE_SIGNING_KEY`: without it the function answers 503 (fail closed). */
  sourceKey: string | undefined;
  encryptKey: string | undefined;
  verificationToken: string | undefined;
  /** `feishu` or `lark`: recorded as the decision's source system. */
  system: 'feishu' | 'lark';
  /** Replies to a message (status cards, refusals); undefined without app credentials. */
  reply?: (messageId: string, message: FeishuMessage) => Promise<void>;
  /**
   * Event ids acted on (or being acted on) by this container: redeliveries are acknowledged and not
   * acted on again. An event whose handling failed is forgotten, so Feishu's redelivery is acted on.
   */
  seen: RecentIds;
  /** The ledger: an event is acted on once across all containers, and a repeat gets the first answer. */
  delivery?: DeliveryOnceDeps;
  /** How a decided request was decided: its buttons answer that and act no more. */
  decidedRequest?: DecidedRequest;
  clock?: () => Date;
};

const TextContentSchema = z.looseObject({ text: z.optional(z.string()) });

const json = (statusCode: number, body: unknown): HttpResponse => ({ statusCode, body });

type ConfiguredFeishuDeps = FeishuDeps & ChatDeps;

export async function handleFeishuRequest(request: HttpRequest, given: FeishuDeps): Promise<HttpResponse> {
  refuseLargeBody(request);
  const logger: Logger = given.logger ?? silentLogger;
  const { encryptKey, verificationToken, sourceKey } = given;
  if (encryptKey === undefined || verificationToken === undefined || sourceKey === undefined) {
    logger.error(
      'Feishu is not configured: set FEISHU_ENCRYPT_KEY, FEISHU_VERIFICATION_TOKEN and CHATOPS_SOURCE_SIGNING_KEY',
    );
    const missing =
      encryptKey === undefined
        ? 'FEISHU_ENCRYPT_KEY'
        : verificationToken === undefined
          ? 'FEISHU_VERIFICATION_TOKEN'
          : 'CHATOPS_SOURCE_SIGNING_KEY';
    throw new ConfigError(missing, 'required by /chatops/feishu');
  }
  const deps: ConfiguredFeishuDeps = { ...given, sourceKey };
  const event = authenticateFeishuEvent(
    request,
    { encryptKey, verificationToken, now: (deps.clock ?? (() => new Date()))() },
    logger,
  );
  if (event.type === 'url_verification') return json(200, { challenge: event.challenge });
  const eventId = event.header?.event_id ?? event.uuid;
  if (eventId === undefined) throw new RequestRefusedError('invalid_request', 'event without an id');
  if (!deps.seen.add(eventId)) return json(200, {});
  try {
    return await actOnce(event, eventId, deps, logger);
  } catch (error) {
    // Not acted on (the ledger or the queue was down): Feishu's redelivery must be, here too.
    deps.seen.forget(eventId);
    throw error;
  }
}

async function actOnce(
  event: FeishuEvent,
  eventId: string,
  deps: ConfiguredFeishuDeps,
  logger: Logger,
): Promise<HttpResponse> {
  const work = async (): Promise<HttpResponse> => {
    switch (event.header?.event_type) {
      case 'im.message.receive_v1':
        return messageCommand(event, eventId, deps, logger);
      case 'card.action.trigger':
        return cardAction(event, eventId, deps);
      default:
        return json(200, {});
    }
  };
  if (deps.delivery === undefined) return work();
  // Feishu redelivers an event for hours, to any container: the ledger makes it act once.
  return answerOnce(feishuDeliveryKey(eventId), work, deps.delivery, {
    inProgress: json(200, {}),
    onRepeat: () => logger.info('repeated Feishu event answered as the first', { eventId }),
  });
}

async function messageCommand(
  event: FeishuEvent,
  eventId: string,
  deps: ConfiguredFeishuDeps,
  logger: Logger,
): Promise<HttpResponse> {
  const message = event.event?.message;
  const user = event.event?.sender?.sender_id?.open_id;
  if (message?.message_type !== 'text' || message.message_id === undefined || user === undefined)
    return json(200, {});
  // Mentions of the bot arrive as @_user_1 placeholders.
  const text = (parseJsonAs(TextContentSchema, message.content ?? '')?.text ?? '').replace(
    /@_user_\d+/g,
    ' ',
  );
  const reply = await handleChatCommand(
    parseCommand(text),
    {
      platform: 'feishu',
      user,
      requestKey: eventId,
      source: { system: deps.system, ref: `message:${message.message_id}` },
      ...eventTime(event),
    },
    deps,
  );
  try {
    await deps.reply?.(message.message_id, feishuReply(reply));
  } catch (error) {
    logger.warn('could not reply in Feishu', { error });
  }
  return json(200, {});
}

async function cardAction(
  event: FeishuEvent,
  eventId: string,
  deps: ConfiguredFeishuDeps,
): Promise<HttpResponse> {
  const value = event.event?.action?.value;
  const user = event.event?.operator?.open_id;
  const messageId = event.event?.context?.open_message_id;
  if (value === undefined || user === undefined || messageId === undefined) return json(200, {});
  const command = parseCommand(`${value.action} ${value.target} ${value.endpoint}`);
  // A decided request's button answers how it was decided, and never reaches a vote or the queue.
  const decided = await deps.decidedRequest?.(value.target, value.endpoint);
  if (decided !== undefined) return json(200, { toast: { type: 'info', content: decidedText(decided) } });
  const reply = await handleChatCommand(
    command,
    {
      platform: 'feishu',
      user,
      requestKey: eventId,
      source: { system: deps.system, ref: `card:${messageId}` },
      ...eventTime(event),
    },
    deps,
  );
  const ok = reply.kind === 'queued' || (reply.kind === 'approval' && reply.result.kind !== 'refused');
  return json(200, {
    toast: { type: ok ? 'success' : 'error', content: 'text' in reply ? reply.text : 'Done' },
  });
}

/** The event's `create_time` (signed with the body): when the user asked. */
function eventTime(event: FeishuEvent): { receivedAt?: Date } {
  const ms = Number(event.header?.create_time);
  return Number.isFinite(ms) && ms > 0 ? { receivedAt: new Date(ms) } : {};
}

/** A bounded set of recently seen ids (oldest forgotten first). */
export class RecentIds {
  readonly #ids = new Set<string>();
  readonly #limit: number;

  constructor(limit = 1_000) {
    this.#limit = limit;
  }

  /** False when the id was already seen. */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > this.#limit) this.#ids.delete(this.#ids.values().next().value as string);
    return true;
  }

  /** Forgets an id whose event was not acted on, so its redelivery is. */
  forget(id: string): void {
    this.#ids.delete(id);
  }
}
