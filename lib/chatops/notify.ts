/**
 * Posting chat-originated outcomes back where they were asked. Transient failures (network, 429, 5xx)
 * are retried with backoff (or after the Retry-After Slack names, up to 5 s) and, past that, thrown so Lambda's asynchronous retries take over; a
 * permanent refusal (an expired response_url, say) is logged and dropped. Posting only goes where a
 * chat function said: the outcome's chat `source` must carry the signature a chat function made
 * (chat-source.ts), and a Slack `source.url` must be a Slack response URL (response-url.ts). Without
 * `CHATOPS_SOURCE_SIGNING_KEY` nothing is posted.
 */
import { verifyChatSource } from '../auth/chat-source.ts';
import type { Outcome } from '../decision/outcome.ts';
import { targetKey } from '../decision/schema.ts';
import { type ErrorCode, TransientNotifyError, VpcepApprovalError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import { classifyHttpStatus, toNetworkError, withRetries } from '../retry.ts';
import { judgeSlackAnswer } from './answers.ts';
import type { PostResult } from './post.ts';
import { slackResponseUrl } from './response-url.ts';
import { slackOutcomeMessage } from './slack-messages.ts';

export type NotifyDeps = {
  post(url: string, body: unknown): Promise<PostResult>;
  /** Where Slack's response URLs live (https://hooks.slack.com/ unless configured). */
  slackUrlPrefix: string;
  /** `CHATOPS_SOURCE_SIGNING_KEY`: chat sources must be signed with it; undefined posts nothing. */
  sourceKey: string | undefined;
  /** Feishu/Lark delivery, when configured. */
  feishu?: (outcome: Outcome) => Promise<'sent' | 'dropped'>;
  /** DingTalk and WeCom delivery, when their apps are configured (china-notify.ts). */
  dingtalk?: (outcome: Outcome) => Promise<'sent' | 'dropped'>;
  wecom?: (outcome: Outcome) => Promise<'sent' | 'dropped'>;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
  /** Backoff jitter; Math.random unless a test fixes it. */
  random?: () => number;
  attempts?: number;
};

/** Waits before the 2nd and 3rd post: full jitter under 400 ms, then 800 ms (lib/retry.ts). */
const POST_BACKOFF = { baseMs: 400, maxMs: 3_200 };
/** A longer Retry-After is not waited out: the error goes to Lambda's asynchronous retries. */
const MAX_WAIT_MS = 5_000;
const NOT_ABORTED = new AbortController().signal;

export type NotifyResult = 'sent' | 'skipped' | 'dropped';

/** The chats an outcome is posted back to (and the SNS filter's `sourceSystem` values). */
const CHAT_SYSTEMS: ReadonlySet<string> = new Set(['slack', 'feishu', 'lark', 'dingtalk', 'wecom']);

export { TransientNotifyError };

export async function notifyOutcome(outcome: Outcome, deps: NotifyDeps): Promise<NotifyResult> {
  const logger = deps.logger ?? silentLogger;
  const system = outcome.source?.system;
  if (system === undefined || !CHAT_SYSTEMS.has(system)) return 'skipped';
  if (deps.sourceKey === undefined) {
    logger.error('chat outcomes are not posted: set CHATOPS_SOURCE_SIGNING_KEY', {
      decisionId: outcome.decisionId,
    });
    return 'dropped';
  }
  if (!signedByChat(outcome, deps.sourceKey)) {
    logger.warn('not posting: the chat source is unsigned or altered', { decisionId: outcome.decisionId });
    return 'dropped';
  }
  if (system === 'dingtalk') return deps.dingtalk === undefined ? 'skipped' : deps.dingtalk(outcome);
  if (system === 'wecom') return deps.wecom === undefined ? 'skipped' : deps.wecom(outcome);
  if (system !== 'slack') return deps.feishu === undefined ? 'skipped' : deps.feishu(outcome);
  const url = slackResponseUrl(outcome.source?.url, deps.slackUrlPrefix);
  if (url === undefined) {
    logger.warn('not posting to a URL that is not a Slack response URL', { decisionId: outcome.decisionId });
    return 'dropped';
  }
  const post = async (to: string, body: unknown) => judgeSlackAnswer(await deps.post(to, body));
  return postWithRetries(url, slackOutcomeMessage(outcome), { ...deps, post }, logger, outcome.decisionId);
}

function signedByChat(outcome: Outcome, key: string): boolean {
  const { decisionId, action, target, source } = outcome;
  if (decisionId === null || action === undefined || target === undefined || source === undefined)
    return false;
  return verifyChatSource(
    { decisionId, action, targetKey: targetKey(target), requestedBy: outcome.requestedBy, source },
    source.signature,
    key,
  );
}

export async function postWithRetries(
  url: string,
  body: unknown,
  deps: Pick<NotifyDeps, 'post' | 'sleep' | 'attempts' | 'random'>,
  logger: Logger,
  decisionId: string | null,
): Promise<'sent' | 'dropped'> {
  const attempts = deps.attempts ?? 3;
  let refused: PostResult | undefined;
  const run = await withRetries({
    maxAttempts: attempts,
    backoff: POST_BACKOFF,
    maxWaitMs: MAX_WAIT_MS,
    ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
    ...(deps.random === undefined ? {} : { random: deps.random }),
    async attempt() {
      try {
        const result = await deps.post(url, body);
        if (result.status >= 200 && result.status < 300) return { ok: true, value: result };
        const failure = classifyHttpStatus(result.status);
        if (failure === 'terminal') refused = result;
        return { ok: false, failure, reason: `HTTP ${result.status}`, retryAfter: result.retryAfter };
      } catch (error) {
        const network = toNetworkError(error, NOT_ABORTED);
        return { ok: false, failure: network.retryable ? 'transient' : 'terminal', reason: network.message };
      }
    },
  });
  if (run.ok) return 'sent';
  if (refused !== undefined) {
    logger.warn('chat refused the outcome; not retried', {
      decisionId,
      status: refused.status,
      answer: refused.text.slice(0, 200),
    });
    return 'dropped';
  }
  throw new TransientNotifyError(
    `posting the outcome of ${decisionId ?? 'a decision'} failed ${run.attempts} times: ${run.reason}`,
  );
}

/** The retry settings a request's card or message is posted with; unset ones take the defaults. */
export type RequestPostDeps = {
  sleep?: (ms: number) => Promise<void>;
  attempts?: number;
  logger?: Logger;
};

/**
 * Posts a request's card or message (raising it, or closing it), retried as outcomes are. A refusal,
 * or retries run out, throws `code`: the raise or close is then known to have failed in that chat.
 */
export async function postRequestMessage(
  chat: string,
  post: () => Promise<PostResult>,
  deps: RequestPostDeps,
  refusal: { code: ErrorCode; message: string },
): Promise<void> {
  const retries = {
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    ...(deps.attempts ? { attempts: deps.attempts } : {}),
  };
  const sent = await postWithRetries(
    chat,
    undefined,
    { post, ...retries },
    deps.logger ?? silentLogger,
    null,
  );
  if (sent === 'dropped') throw new VpcepApprovalError(refusal.code, refusal.message);
}
