/**
 * GET|POST /chatops/wecom: WeCom's callback URL for the app. GET is the URL check (verify, decrypt
 * `echostr`, answer the plaintext as is); POST carries encrypted events, of which we act on
 * `template_card_event`, a click on an approval card. The signature covers the encrypted body and the
 * timestamp, which must be within ±5 minutes; the receive id inside must be `WECOM_CORP_ID`. WeCom
 * retries an event it got no answer to within 5 s, maybe to another container: each click (task,
 * user, response code) is acted on once through the ledger. A click counts only on a card of a request
 * we raised and still hold open, by a user who may decide on that target; anything else changes
 * nothing and logs why. The card is updated later, by the outcome notifier, with the click's
 * single-use `response_code`.
 */
import { replayWindowProblem } from '../auth/replay-window.ts';
import { openWecomMessage, wecomKey } from '../auth/wecom.ts';
import { ConfigError, RequestRefusedError } from '../errors.ts';
import type { HttpRequest, HttpResponse } from '../http/api-gateway.ts';
import { type Logger, silentLogger } from '../log.ts';
import { answerWithin, CHAT_MAX_BODY_BYTES, type OpenRequest, openCard } from './china-common.ts';
import { parseCommand } from './command.ts';
import { type ChatDeps, handleChatCommand } from './decide.ts';
import { answerOnce, type DeliveryOnceDeps } from './delivery-once.ts';

export type WecomDeps = Omit<ChatDeps, 'sourceKey'> & {
  sourceKey: string | undefined;
  token: string | undefined;
  encodingAesKey: string | undefined;
  corpId: string | undefined;
  delivery: DeliveryOnceDeps;
  openRequest: OpenRequest;
  clock?: () => Date;
  /** How long an event may take before it is answered anyway (default 4 s of WeCom's 5 s). */
  answerBudgetMs?: number;
};

type Configured = WecomDeps & ChatDeps & { token: string; key: Buffer; corpId: string };

const DEFAULT_BUDGET_MS = 4_000;
/** An empty 200: WeCom takes it as "received, no reply" (a body would be read as an encrypted reply). */
const empty: HttpResponse = { statusCode: 200, body: undefined };

/** A field of WeCom's flat XML, CDATA or not; undefined when absent. No entities are expanded. */
export function xmlField(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${name}>`).exec(xml);
  return match === null ? undefined : (match[1] ?? match[2]);
}

function configured(given: WecomDeps, logger: Logger): Configured {
  const missing =
    given.token === undefined
      ? 'WECOM_TOKEN'
      : given.encodingAesKey === undefined
        ? 'WECOM_ENCODING_AES_KEY'
        : given.corpId === undefined
          ? 'WECOM_CORP_ID'
          : given.sourceKey === undefined
            ? 'CHATOPS_SOURCE_SIGNING_KEY'
            : undefined;
  const key = given.encodingAesKey === undefined ? undefined : wecomKey(given.encodingAesKey);
  if (missing !== undefined || key === undefined) {
    const variable = missing ?? 'WECOM_ENCODING_AES_KEY';
    logger.error(`WeCom is not configured: set ${variable}`, { missing: variable });
    throw new ConfigError(variable, 'required by /chatops/wecom');
  }
  return { ...given, key } as Configured;
}

export async function handleWecomRequest(request: HttpRequest, given: WecomDeps): Promise<HttpResponse> {
  const logger: Logger = given.logger ?? silentLogger;
  if (request.body.length > CHAT_MAX_BODY_BYTES)
    throw new RequestRefusedError('payload_too_large', `the body is over ${CHAT_MAX_BODY_BYTES} bytes`);
  const deps = configured(given, logger);
  const { msg_signature: msgSignature, timestamp, nonce, echostr } = request.query;
  if (msgSignature === undefined || timestamp === undefined || nonce === undefined) {
    logger.warn('WeCom request refused: msg_signature, timestamp or nonce missing');
    throw new RequestRefusedError('unauthorized', 'authentication failed');
  }
  const stale = replayWindowProblem('timestamp', timestamp, (deps.clock ?? (() => new Date()))());
  // Query decoding may turn Base64's + into a space; Base64 never holds a space.
  const encrypted =
    echostr !== undefined ? echostr.replace(/ /g, '+') : xmlField(request.body.toString('utf8'), 'Encrypt');
  const opened =
    stale !== undefined
      ? { ok: false as const, reason: stale }
      : encrypted === undefined
        ? { ok: false as const, reason: 'no Encrypt element' }
        : openWecomMessage({ msgSignature, timestamp, nonce, encrypted }, deps);
  if (!opened.ok) {
    logger.warn('WeCom request refused', { reason: opened.reason });
    throw new RequestRefusedError('unauthorized', 'authentication failed');
  }
  // The URL check: the plaintext, exactly, without quotes or a newline.
  if (echostr !== undefined)
    return { statusCode: 200, body: opened.message, headers: { 'content-type': 'text/plain' } };
  return cardEvent(opened.message, deps, logger);
}

async function cardEvent(xml: string, deps: Configured, logger: Logger): Promise<HttpResponse> {
  const event = xmlField(xml, 'Event');
  const user = xmlField(xml, 'FromUserName');
  const taskId = xmlField(xml, 'TaskId');
  const responseCode = xmlField(xml, 'ResponseCode');
  const action = xmlField(xml, 'EventKey');
  if (event !== 'template_card_event') return empty;
  if (user === undefined || taskId === undefined || responseCode === undefined) {
    logger.warn('WeCom click refused: FromUserName, TaskId or ResponseCode missing');
    return empty;
  }
  const work = async (): Promise<HttpResponse> => {
    if (action !== 'accept' && action !== 'reject') {
      logger.warn('WeCom click refused: not an Accept or Reject button', { taskId });
      return empty;
    }
    const card = await openCard(taskId, deps.openRequest, logger, 'WeCom');
    if (card === undefined) return empty;
    const created = Number(xmlField(xml, 'CreateTime'));
    await handleChatCommand(
      parseCommand(`${action} ${card.target} ${card.endpointId}`),
      {
        platform: 'wecom',
        user,
        requestKey: `card:${taskId}:${user}:${responseCode}`,
        // The response code is what updates this user's card afterwards (single-use, 72 h).
        source: { system: 'wecom', ref: `card:${taskId}:${responseCode}` },
        ...(Number.isFinite(created) && created > 0 ? { receivedAt: new Date(created * 1000) } : {}),
      },
      deps,
    );
    return empty;
  };
  return answerOnce(
    { kind: 'wecom', id: `${taskId}:${user}:${responseCode}` },
    () => answerWithin(work(), deps.answerBudgetMs ?? DEFAULT_BUDGET_MS, empty, logger),
    deps.delivery,
    {
      inProgress: empty,
      onRepeat: () => logger.info('repeated WeCom event acknowledged, not acted on again', { taskId }),
    },
  );
}
