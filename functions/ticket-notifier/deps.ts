/** The ticket notifier's effects: HTTPS calls to the configured Jira and ServiceNow, with retries. */
import type { Logger } from '../../lib/log.ts';
import type { MetricsRecorder } from '../../lib/metrics.ts';
import type { TicketDeliverDeps } from '../../lib/tickets/deliver.ts';
import { ticketNotifyDeps } from '../../lib/tickets/deps.ts';
import type { TicketNotifierConfig } from './config.ts';

export function ticketNotifierDeps(
  config: TicketNotifierConfig,
  observe: { logger: Logger; metrics: MetricsRecorder },
): TicketDeliverDeps {
  // Built once per configuration, so the Jira user read for the redelivery check is reused across events.
  return { ...ticketNotifyDeps(config.tickets, { logger: observe.logger }), metrics: observe.metrics };
}
