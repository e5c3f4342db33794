/**
 * Subscribed to the outcome topic (outcomes of decisions from Jira, JSM and ServiceNow only, by a filter
 * on `sourceSystem`): comments each outcome on the issue it came from (or adds a work note to the
 * ServiceNow record) and moves a Jira issue by the configured transition. Beside the chat notifier and
 * independent of it. A transient failure throws, so Lambda retries the event and then sends it to the
 * failure queue; a refusal (4xx) is logged with the ticket and dropped.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SNSEvent } from 'aws-lambda';
import type { Env } from '../lib/secrets.ts';
import { deliverTicketOutcomes } from '../lib/tickets/deliver.ts';
import { createLogger } from './commons/powertools/logger.ts';
import { createMetrics } from './commons/powertools/metrics.ts';
import { type Effects, wiring } from './commons/wiring.ts';
import { loadTicketNotifierConfig, TicketNotifierVariables } from './ticket-notifier/config.ts';
import { ticketNotifierDeps } from './ticket-notifier/deps.ts';

/** The handler for an environment; the local stack and tests build their own. */
export function createTicketNotifierHandler(env: Env = process.env, effects: Effects = {}) {
  const log = createLogger('ticket-notifier', effects.write);
  const { metrics, recorder, publishRecorded } = createMetrics('ticket-notifier', log.logger);
  const wired = wiring(
    env,
    log,
    { load: loadTicketNotifierConfig, variables: TicketNotifierVariables },
    (config) => ticketNotifierDeps(config, { logger: log.logger, metrics: recorder }),
  );
  return middy<SNSEvent, void, Error, Context>()
    .use(injectLambdaContext(log.powertools, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(publishRecorded)
    .handler(async (event) => deliverTicketOutcomes(event.Records, (await wired()).deps));
}

// Nothing is parsed or fetched at import: configuration and secrets load at the first event.
export const handler = createTicketNotifierHandler();
