/**
 * The ticket notifier's logic for one SNS event: each record's outcome written back to its ticket. A
 * record that is not an outcome is logged and skipped (repeating it cannot help); a failure worth
 * another try (the ticket system throttled, 5xx, unreachable) throws, so Lambda retries the event and,
 * past its retries, sends it to the on-failure destination. A redelivered record is harmless: the
 * comment's marker keeps it from being written twice (notify.ts).
 */
import type { SNSEventRecord } from 'aws-lambda';
import { type Logger, silentLogger } from '../log.ts';
import { type MetricsRecorder, noMetrics } from '../metrics.ts';
import { notifyTicket, type TicketNotifyDeps } from './notify.ts';
import { parseOutcomeMessage } from './outcome-message.ts';

export type TicketDeliverDeps = TicketNotifyDeps & { metrics?: MetricsRecorder };

export async function deliverTicketOutcomes(
  records: readonly Pick<SNSEventRecord, 'Sns'>[],
  deps: TicketDeliverDeps,
): Promise<void> {
  const logger: Logger = deps.logger ?? silentLogger;
  const metrics = deps.metrics ?? noMetrics;
  for (const record of records) {
    const parsed = parseOutcomeMessage(record.Sns.Message);
    if (!parsed.ok) {
      logger.warn('not an outcome; skipped', { messageId: record.Sns.MessageId, issues: parsed.issues });
      metrics.count('TicketNotifications', 1, { result: 'invalid' });
      continue;
    }
    const result = await notifyTicket(parsed.outcome, { ...deps, logger });
    logger.info('outcome handled for its ticket', { decisionId: parsed.outcome.decisionId, result });
    metrics.count('TicketNotifications', 1, { result });
  }
}
