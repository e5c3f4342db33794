/**
 * The outcome notifier's logic: each SNS record's outcome posted back to the chat it was asked in.
 * A record that is not an outcome is skipped; a transient failure that outlasts the retries throws,
 * so Lambda retries the event.
 */
import type { SNSEventRecord } from 'aws-lambda';
import type { Outcome } from '../decision/outcome.ts';
import { type Logger, silentLogger } from '../log.ts';
import { type MetricsRecorder, noMetrics } from '../metrics.ts';
import { type NotifyDeps, notifyOutcome } from './notify.ts';

export type DeliverDeps = Omit<NotifyDeps, 'logger'> & { logger?: Logger; metrics?: MetricsRecorder };

export async function deliverOutcomes(records: readonly SNSEventRecord[], deps: DeliverDeps): Promise<void> {
  const logger = deps.logger ?? silentLogger;
  const metrics = deps.metrics ?? noMetrics;
  for (const record of records) {
    const outcome = parseOutcome(record.Sns.Message);
    if (outcome === undefined) {
      logger.warn('not an outcome; skipped', { messageId: record.Sns.MessageId });
      continue;
    }
    const result = await notifyOutcome(outcome, { ...deps, logger });
    logger.info('outcome notified', { decisionId: outcome.decisionId, result });
    metrics.count('ChatNotifications', 1, { result });
  }
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
