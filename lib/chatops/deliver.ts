/**
 * The outcome notifier's logic: each SNS record's outcome closes the approval requests of the
 * connections it decided (`closeRequests`, every channel they were raised in), then is posted back to
 * the chat it was asked in. A record that is not an outcome is skipped; a transient failure that
 * outlasts the retries throws, so Lambda retries the event (closing is idempotent: a retry closes only
 * the channels still open).
 */
import type { SNSEventRecord } from 'aws-lambda';
import type { Outcome } from '../decision/outcome.ts';
import { type Logger, silentLogger } from '../log.ts';
import { type MetricsRecorder, noMetrics } from '../metrics.ts';
import { type NotifyDeps, notifyOutcome } from './notify.ts';

export type DeliverDeps = Omit<NotifyDeps, 'logger'> & {
  logger?: Logger;
  metrics?: MetricsRecorder;
  /** Closes the approval requests of the connections the outcome decided (lib/requests/close.ts). */
  closeRequests?(outcome: Outcome): Promise<void>;
};

export async function deliverOutcomes(records: readonly SNSEventRecord[], deps: DeliverDeps): Promise<void> {
  const logger = deps.logger ?? silentLogger;
  const metrics = deps.metrics ?? noMetrics;
  for (const record of records) {
    const outcome = parseOutcome(record.Sns.Message);
    if (outcome === undefined) {
      logger.warn('not an outcome; skipped', { messageId: record.Sns.MessageId });
      continue;
    }
    // Before the chat reply: a retry after a failed close would otherwise post the reply twice.
    await deps.closeRequests?.(outcome);
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
