/**
 * The approval request in Slack: a Block Kit message with the connection's facts and Accept / Reject
 * buttons, posted with `chat.postMessage` (bearer `SLACK_BOT_TOKEN`) to `SLACK_APPROVAL_CHANNEL`. The
 * buttons carry the action ids and values of the status list's buttons, so the existing button handler
 * (slack.ts) decides them. Slack answers HTTP 200 with `ok: false` for refusals, so the answer is
 * checked. Retries go through lib/retry.ts: a 429 is waited out for as long as its Retry-After says,
 * within a ceiling (`maxWaitMs`); past it the error is retryable, for the sweep to raise the request again.
 */
import * as z from 'zod/mini';
import { VpcepApprovalError } from '../errors.ts';
import type { ApprovalRequest, RequestClosure } from '../ledger/ledger.ts';
import type { ChannelCloser } from '../requests/close.ts';
import { whoAndHow } from '../requests/closure.ts';
import { classifyHttpStatus, toNetworkError, withRetries } from '../retry.ts';
import {
  type ApprovalChat,
  type ApprovalFacts,
  approvalLines,
  approvalTitle,
  buttonValue,
  closedLines,
  closedTitle,
  digestText,
} from './approval-request.ts';
import { escapeSlack as e } from './escape.ts';
import { parseJsonAs } from './payloads.ts';
import { type PostResult, postJson } from './post.ts';
import { SLACK_ACTION_IDS, type SlackMessage } from './slack-messages.ts';

/** chat.postMessage's answer: `ok` with the message's `ts`, or `ok: false` with an `error` code. */
export const SlackPostMessageAnswerSchema = z.looseObject({
  ok: z.boolean(),
  error: z.optional(z.string()),
  channel: z.optional(z.string()),
  ts: z.optional(z.string()),
});

/** Slack's `error` codes that mean "try again", not "this will never work". */
const TRANSIENT_SLACK_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

export function slackApprovalMessage(facts: ApprovalFacts): SlackMessage & { channel?: string } {
  const fields = approvalLines(facts).map(([label, value]) => ({
    type: 'mrkdwn',
    text: `*${label}*\n${e(value)}`,
  }));
  const button = (action: 'accept' | 'reject') => ({
    type: 'button',
    action_id: SLACK_ACTION_IDS[action],
    style: action === 'accept' ? 'primary' : 'danger',
    text: { type: 'plain_text', text: action === 'accept' ? 'Accept' : 'Reject' },
    value: JSON.stringify(buttonValue(facts, action)),
  });
  const title = approvalTitle(facts);
  return {
    // The notification text (and what screen readers and old clients show).
    text: e(`${title}: ${facts.endpointId} on ${facts.target} from account ${facts.consumer}`),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title } },
      // Slack shows at most 10 fields in a section.
      { type: 'section', fields: fields.slice(0, 10) },
      { type: 'actions', block_id: `vpcep_approval`, elements: [button('accept'), button('reject')] },
    ],
  };
}

export type SlackApprovalDeps = {
  botToken: string;
  channel: string;
  /** `https://slack.com/api` unless pointed elsewhere (tests). */
  apiBase: string;
  post?: typeof postJson;
  sleep?: (ms: number) => Promise<void>;
  /** Attempts in all, throttled ones included (default 4). */
  attempts?: number;
  /** A Retry-After longer than this is not waited out: the sweep raises the request again later. */
  maxWaitMs?: number;
  random?: () => number;
};

/** Posts the approval request to the channel; answers the message's `ts`, or throws (retryable or not). */
export async function postSlackApproval(facts: ApprovalFacts, deps: SlackApprovalDeps): Promise<string> {
  const answer = await callSlack(
    'chat.postMessage',
    { channel: deps.channel, ...slackApprovalMessage(facts) },
    deps,
  );
  return answer.ts ?? '';
}

/**
 * One Slack Web API call (`chat.postMessage`, `chat.update`) with the bot token, its answer checked;
 * answers Slack's answer, or throws (retryable or not).
 */
export async function callSlack(
  method: 'chat.postMessage' | 'chat.update',
  body: unknown,
  deps: Omit<SlackApprovalDeps, 'channel'>,
): Promise<z.output<typeof SlackPostMessageAnswerSchema>> {
  const post = deps.post ?? postJson;
  const run = await withRetries<z.output<typeof SlackPostMessageAnswerSchema>>({
    maxAttempts: deps.attempts ?? 4,
    backoff: BACKOFF,
    maxWaitMs: deps.maxWaitMs ?? 30_000,
    ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
    ...(deps.random === undefined ? {} : { random: deps.random }),
    async attempt() {
      let result: PostResult;
      try {
        result = await post(`${deps.apiBase}/${method}`, body, {
          timeoutMs: 5_000,
          headers: { authorization: `Bearer ${deps.botToken}` },
        });
      } catch (error) {
        // fetch wraps the socket's error (its code says what failed) in a TypeError.
        const network = toNetworkError((error as { cause?: unknown }).cause ?? error, NOT_ABORTED);
        return { ok: false, failure: network.retryable ? 'transient' : 'terminal', reason: network.message };
      }
      const answer = parseJsonAs(SlackPostMessageAnswerSchema, result.text);
      if (result.status >= 200 && result.status < 300 && answer?.ok === true)
        return { ok: true, value: answer };
      const failure =
        answer?.error !== undefined && TRANSIENT_SLACK_ERRORS.has(answer.error)
          ? 'transient'
          : result.status >= 200 && result.status < 300
            ? 'terminal'
            : classifyHttpStatus(result.status);
      // Slack's error codes are fixed words (`channel_not_found`, `invalid_auth`): safe to repeat.
      const reason = `HTTP ${result.status}${answer?.error === undefined ? '' : ` ${answer.error}`}`;
      if (failure === 'terminal' || failure === 'maybe_success')
        throw new VpcepApprovalError('SLACK_REFUSED', `${method} refused: ${reason}`, {
          retryable: false,
        });
      return { ok: false, failure, reason, retryAfter: result.retryAfter };
    },
  });
  if (run.ok) return run.value;
  // Out of attempts, a wait past the ceiling, or a TLS failure: the sweep raises the request again.
  throw new VpcepApprovalError('SLACK_UNAVAILABLE', `${method} failed: ${run.reason}`, {
    retryable: true,
  });
}

/** Full jitter under 500 ms before the 2nd post, doubling to a 5 s ceiling (lib/retry.ts). */
const BACKOFF = { baseMs: 500, maxMs: 5_000 };
const NOT_ABORTED = new AbortController().signal;

/** Slack as one of the chats an approval request goes to; a message is found again by channel and `ts`. */
export function slackApprovalChat(deps: SlackApprovalDeps): ApprovalChat {
  return {
    name: 'slack',
    post: async (facts) => {
      const answer = await callSlack(
        'chat.postMessage',
        { channel: deps.channel, ...slackApprovalMessage(facts) },
        deps,
      );
      return { channel: answer.channel ?? deps.channel, ts: answer.ts ?? '' };
    },
    postDigest: async (digest) => {
      await callSlack('chat.postMessage', { channel: deps.channel, text: e(digestText(digest)) }, deps);
    },
  };
}

/** A closed request's message: what was decided, by whom, how and when; no buttons. */
export function slackClosedMessage(request: ApprovalRequest, closure: RequestClosure): SlackMessage {
  const title = closedTitle(closure);
  const fields = closedLines(request, closure).map(([label, value]) => ({
    type: 'mrkdwn',
    text: `*${label}*\n${e(value)}`,
  }));
  return {
    text: e(
      `${title}: ${request.endpointId} on ${request.target}, ${closure.result} by ${whoAndHow(closure)}`,
    ),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title } },
      { type: 'section', fields: fields.slice(0, 10) },
    ],
  };
}

/** Closes the request's Slack message (`chat.update` on its channel and `ts`). */
export function slackRequestCloser(deps: Omit<SlackApprovalDeps, 'channel'>): ChannelCloser {
  return async (request, handle, closure) => {
    if (handle.channel === undefined || handle.ts === undefined || handle.ts === '')
      throw new VpcepApprovalError('SLACK_REFUSED', 'the Slack message of this request is not known');
    await callSlack(
      'chat.update',
      { channel: handle.channel, ts: handle.ts, ...slackClosedMessage(request, closure) },
      deps,
    );
  };
}
