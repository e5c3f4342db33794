/**
 * POST /chatops/slack: the `/vpcep` slash command and its Block Kit buttons. A body over 64 KB is
 * refused first; then the signature is checked before anything else; then the command runs through handleChatCommand, and the answer is an
 * ephemeral message (slash command) or a 200 with the reply posted to `response_url` (button).
 */

import { verifySlackRequest } from '../auth/slack.ts';
import { ConfigError, RequestRefusedError } from '../errors.ts';
import type { HttpRequest, HttpResponse } from '../http/api-gateway.ts';
import { refuseLargeBody } from '../http/body-limit.ts';
import { type Logger, silentLogger } from '../log.ts';
import { parseCommand } from './command.ts';
import { type ChatDeps, type ChatReply, handleChatCommand } from './decide.ts';
import { type DecidedRequest, decidedText } from './decided-request.ts';
import { answerOnce, type DeliveryOnceDeps, slackDeliveryKey } from './delivery-once.ts';
import { ButtonValueSchema, parseJsonAs, SlackBlockActionsSchema } from './payloads.ts';
import { type SlackMessage, slackReply } from './slack-messages.ts';

export type SlackDeps = Omit<ChatDeps, 'sourceKey'> & {
  signingSecret: string | undefined;
  /** `CHATOPS_SOURCE_SIGNING_KEY`: without it the function answers 503 (fail closed). */
  sourceKey: string | undefined;
  /** Posts to a Slack response_url (bounded in time: the click must be answered within 3 s). */
  respond(url: string, message: SlackMessage): Promise<void>;
  clock?: () => Date;
  /** The ledger: a request is acted on once across all containers, and a repeat gets the first answer. */
  delivery?: DeliveryOnceDeps;
  /** How a decided request was decided: its buttons answer that and act no more. */
  decidedRequest?: DecidedRequest;
};

const json = (statusCode: number, body: unknown): HttpResponse => ({ statusCode, body });

type ConfiguredSlackDeps = SlackDeps & ChatDeps;

export async function handleSlackRequest(request: HttpRequest, given: SlackDeps): Promise<HttpResponse> {
  refuseLargeBody(request);
  const logger: Logger = given.logger ?? silentLogger;
  const { sourceKey } = given;
  if (given.signingSecret === undefined || sourceKey === undefined) {
    logger.error('Slack is not configured: set SLACK_SIGNING_SECRET and CHATOPS_SOURCE_SIGNING_KEY');
    const missing = given.signingSecret === undefined ? 'SLACK_SIGNING_SECRET' : 'CHATOPS_SOURCE_SIGNING_KEY';
    throw new ConfigError(missing, 'required by /chatops/slack');
  }
  const deps: ConfiguredSlackDeps = { ...given, sourceKey };
  const verified = verifySlackRequest(
    request.headers,
    request.body,
    given.signingSecret,
    (deps.clock ?? (() => new Date()))(),
  );
  if (!verified.ok) {
    logger.warn('Slack signature rejected', { reason: verified.reason });
    throw new RequestRefusedError('unauthorized', 'authentication failed');
  }
  const form = new URLSearchParams(request.body.toString('utf8'));
  const payload = form.get('payload');
  // Signed with the body, and checked against the clock above: when the user asked.
  const receivedAt = new Date(Number(request.headers['x-slack-request-timestamp']) * 1000);
  const work = () =>
    payload === null ? slashCommand(form, deps, receivedAt) : buttonPress(payload, deps, logger, receivedAt);
  const triggerId =
    payload === null ? form.get('trigger_id') : parseJsonAs(SlackBlockActionsSchema, payload)?.trigger_id;
  if (deps.delivery === undefined || triggerId == null) return work();
  // Slack resends a request it thinks went unanswered, maybe to another container: it acts once.
  return answerOnce(slackDeliveryKey({ triggerId }), work, deps.delivery, {
    inProgress: { statusCode: 200, body: undefined },
    onRepeat: () => logger.info('repeated Slack request answered as the first'),
  });
}

async function slashCommand(
  form: URLSearchParams,
  deps: ConfiguredSlackDeps,
  receivedAt: Date,
): Promise<HttpResponse> {
  const user = form.get('user_id');
  const triggerId = form.get('trigger_id');
  const responseUrl = form.get('response_url');
  if (user === null || triggerId === null || responseUrl === null)
    throw new RequestRefusedError('invalid_request', 'not a slash command');
  const reply = await handleChatCommand(
    parseCommand(form.get('text') ?? ''),
    {
      platform: 'slack',
      user,
      requestKey: triggerId,
      source: {
        system: 'slack',
        ref: `${form.get('team_id') ?? ''}/${form.get('channel_id') ?? ''}`,
        url: responseUrl,
      },
      receivedAt,
    },
    deps,
  );
  return json(200, slackReply(reply));
}

async function buttonPress(
  raw: string,
  deps: ConfiguredSlackDeps,
  logger: Logger,
  receivedAt: Date,
): Promise<HttpResponse> {
  const payload = parseJsonAs(SlackBlockActionsSchema, raw);
  const value =
    payload === undefined ? undefined : parseJsonAs(ButtonValueSchema, payload.actions[0]?.value ?? '');
  if (payload === undefined || value === undefined)
    throw new RequestRefusedError('invalid_request', 'not a vpcep-approval button');
  const user = payload.user.id;
  // The button's text goes through the same grammar as a typed command, so it is checked the same way.
  const command = parseCommand(`${value.action} ${value.target} ${value.endpoint}`);
  // A decided request's button answers how it was decided, and never reaches a vote or the queue.
  const decided = await deps.decidedRequest?.(value.target, value.endpoint);
  if (decided !== undefined) {
    await deps
      .respond(payload.response_url, slackReply({ kind: 'refused', text: decidedText(decided) }))
      .catch((error: unknown) => logger.warn('could not answer the Slack button', { error }));
    return { statusCode: 200, body: undefined };
  }
  const reply: ChatReply = await handleChatCommand(
    command,
    {
      platform: 'slack',
      user,
      requestKey: payload.trigger_id,
      source: {
        system: 'slack',
        ref: `${payload.team?.id ?? ''}/${payload.channel?.id ?? ''}`,
        url: payload.response_url,
      },
      receivedAt,
      ...actedAt(payload.actions[0]?.action_ts, receivedAt),
    },
    deps,
  );
  try {
    await deps.respond(payload.response_url, slackReply(reply));
  } catch (error) {
    // The decision is queued either way; only the acknowledgement is lost.
    logger.warn('could not acknowledge the Slack button', { error });
  }
  return { statusCode: 200, body: undefined };
}

/**
 * The click's own time, `action_ts` (`1764928800.123456`, signed with the body): it orders two clicks
 * within one second, which the request's whole-second timestamp cannot. Used only when it agrees with
 * the signed request time within Slack's five-minute window.
 */
function actedAt(actionTs: string | undefined, receivedAt: Date): { actedAt?: string } {
  const match = /^(\d{9,11})\.(\d{1,6})$/.exec(actionTs ?? '');
  if (match === null) return {};
  const seconds = Number(match[1]);
  if (Math.abs(seconds * 1000 - receivedAt.getTime()) > 5 * 60 * 1000) return {};
  const fraction = (match[2] ?? '').padEnd(6, '0');
  return { actedAt: new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, `.${fraction}Z`) };
}
