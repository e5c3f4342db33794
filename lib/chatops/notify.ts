/**
 * Posting chat-originated outcomes back where they were asked. Transient failures (network, 429, 5xx)
 * are retried with backoff and, past that, thrown so Lambda's asynchronous retries take over; a
 * permanent refusal (an expired response_url, say) is logged and dropped. Posting only ever goes to
 * the platform: a decision's `source.url` is trusted only when it is a Slack response URL, so a forged
 * decision cannot make the notifier post anywhere else.
 */
import type { Outcome } from '../decision/outcome.ts';
import { type Logger, silentLogger } from '../log.ts';
import { classifyHttpStatus, toNetworkError, withRetries } from '../retry.ts';
import type { PostResult } from './post.ts';
import { slackOutcomeMessage } from './slack-messages.ts';

export type NotifyDeps = {
  post(url: string, body: unknown): Promise<PostResult>;
  /** Only URLs starting with this are posted to (https://hooks.slack.com/ unless configured). */
  slackUrlPrefix: string;
  /** Feishu/Lark delivery, when configured. */
  feishu?: (outcome: Outcome) => Promise<'sent' | 'dropped'>;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
  /** Backoff jitter; Math.random unless a test fixes it. */
  random?: () => number;
  attempts?: number;
};

/** Waits before the 2nd and 3rd post: full jitter under 400 ms, then 800 ms (lib/retry.ts). */
const POST_BACKOFF = { baseMs: 400, maxMs: 3_200 };
const NOT_ABORTED = new AbortController().signal;

export type NotifyResult = 'sent' | 'skipped' | 'dropped';

export class TransientNotifyError extends Error {
  override readonly name = 'TransientNotifyError';
}

export async function notifyOutcome(outcome: Outcome, deps: NotifyDeps): Promise<NotifyResult> {
  const logger = deps.logger ?? silentLogger;
  const system = outcome.source?.system;
  if (system === 'feishu' || system === 'lark')
    return deps.feishu === undefined ? 'skipped' : deps.feishu(outcome);
  if (system !== 'slack') return 'skipped';
  const url = outcome.source?.url;
  if (url === undefined || !url.startsWith(deps.slackUrlPrefix)) {
    logger.warn('not posting to a URL that is not a Slack response URL', { decisionId: outcome.decisionId });
    return 'dropped';
  }
  return postWithRetries(url, slackOutcomeMessage(outcome), deps, logger, outcome.decisionId);
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
    ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
    ...(deps.random === undefined ? {} : { random: deps.random }),
    async attempt() {
      try {
        const result = await deps.post(url, body);
        if (result.status >= 200 && result.status < 300) return { ok: true, value: result };
        const failure = classifyHttpStatus(result.status);
        if (failure === 'terminal') refused = result;
        return { ok: false, failure, reason: `HTTP ${result.status}` };
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
