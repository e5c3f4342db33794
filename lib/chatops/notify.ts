/**
 * Posting chat-originated outcomes back where they were asked. Transient failures (network, 429, 5xx)
 * are retried with backoff and, past that, thrown so Lambda's asynchronous retries take over; a
 * permanent refusal (an expired response_url, say) is logged and dropped. Posting only ever goes to
 * the platform: a decision's `source.url` is trusted only when it is a Slack response URL, so a forged
 * decision cannot make the notifier post anywhere else.
 */
import type { Outcome } from '../decision/outcome.ts';
import { TransientNotifyError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
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
  attempts?: number;
};

export type NotifyResult = 'sent' | 'skipped' | 'dropped';

export { TransientNotifyError };

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
  deps: Pick<NotifyDeps, 'post' | 'sleep' | 'attempts'>,
  logger: Logger,
  decisionId: string | null,
): Promise<'sent' | 'dropped'> {
  const attempts = deps.attempts ?? 3;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      const result = await deps.post(url, body);
      if (result.status >= 200 && result.status < 300) return 'sent';
      if (result.status !== 429 && result.status < 500) {
        logger.warn('chat refused the outcome; not retried', {
          decisionId,
          status: result.status,
          answer: result.text.slice(0, 200),
        });
        return 'dropped';
      }
      last = `HTTP ${result.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (attempt < attempts) await sleep(Math.floor(Math.random() * 200 * 2 ** attempt));
  }
  throw new TransientNotifyError(
    `posting the outcome of ${decisionId ?? 'a decision'} failed ${attempts} times: ${last}`,
  );
}
