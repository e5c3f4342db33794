/** The outcome notifier's service: SNS records in, chat posts out. */
import type { SNSEvent } from 'aws-lambda';
import { notifyOutcome } from '../chatops/notify.ts';
import { postJson } from '../chatops/post.ts';
import type { Outcome } from '../decision/outcome.ts';
import type { Env } from '../secrets.ts';
import { type ContainerOverrides, lazyContainer } from './container.ts';

export function notifierService(env: Env, overrides: ContainerOverrides = {}) {
  const container = lazyContainer(env, overrides);
  // One Feishu client per container, so its tenant token is reused across events.
  let feishuClient: Promise<((outcome: Outcome) => Promise<'sent' | 'dropped'>) | undefined> | undefined;
  return {
    /** Throws when a transient failure outlasts the retries, so Lambda retries the event. */
    async handle(event: SNSEvent): Promise<void> {
      const c = await container();
      const { chat } = c.config;
      feishuClient ??= (async () => {
        const { feishuApiFor, notifyFeishu } = await import('../chatops/feishu-notify.ts');
        const api = feishuApiFor(chat.feishu);
        return api === undefined ? undefined : (outcome: Outcome) => notifyFeishu(outcome, api, c.logger);
      })();
      const feishu = await feishuClient;
      try {
        for (const record of event.Records) {
          const outcome = parseOutcome(record.Sns.Message);
          if (outcome === undefined) {
            c.logger.warn('not an outcome; skipped', { messageId: record.Sns.MessageId });
            continue;
          }
          const result = await notifyOutcome(outcome, {
            post: (url, body) => postJson(url, body, { timeoutMs: 5_000 }),
            slackUrlPrefix: chat.slack.responseUrlPrefix,
            sourceKey: chat.sourceSigningKey,
            ...(feishu === undefined ? {} : { feishu }),
            logger: c.logger,
          });
          c.logger.info('outcome notified', { decisionId: outcome.decisionId, result });
          c.metrics.count('ChatNotifications', 1, { result });
        }
      } finally {
        c.metrics.flush();
      }
    },
  };
}

/** Outcomes are ours, but the topic is a boundary: check the shape before trusting it. */
function parseOutcome(message: string): Outcome | undefined {
  try {
    const value = JSON.parse(message) as Partial<Outcome> | null;
    if (
      value === null ||
      typeof value !== 'object' ||
      typeof value.status !== 'string' ||
      !Array.isArray(value.results)
    )
      return undefined;
    return value as Outcome;
  } catch {
    return undefined;
  }
}
