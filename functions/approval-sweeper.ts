/**
 * The approval sweeper (EventBridge schedule, every 5 minutes by default): lists the watched targets'
 * pending connections, queues what the rules decide, and asks people about the rest — once per
 * connection, with reminders (lib/sweeper/sweep.ts). Answers a summary; each failure is logged.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import type { Env } from '../lib/secrets.ts';
import { type SweepReport, sweep } from '../lib/sweeper/sweep.ts';
import { loadSweeperConfig } from './approval-sweeper/config.ts';
import { sweeperDeps } from './approval-sweeper/deps.ts';
import { createLogger } from './commons/powertools/logger.ts';
import { createMetrics } from './commons/powertools/metrics.ts';
import { type Effects, wiring } from './commons/wiring.ts';

export type SweepSummary = Omit<SweepReport, 'decisions' | 'requested' | 'reminded'> & {
  decisions: number;
  requested: number;
  reminded: number;
};

/** The handler for an environment; the local stack and tests build their own with emulator clients. */
export function createSweeperHandler(env: Env = process.env, effects: Effects = {}) {
  const log = createLogger('approval-sweeper', effects.write);
  const { metrics, recorder, publishRecorded } = createMetrics('approval-sweeper', log.logger);
  const wired = wiring(env, log, loadSweeperConfig, (config) =>
    sweeperDeps(config, { logger: log.logger, metrics: recorder }, effects),
  );
  return middy<Partial<ScheduledEvent>, SweepSummary, Error, Context>()
    .use(injectLambdaContext(log.powertools, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(publishRecorded)
    .handler(async (_event, context) => {
      const { config, deps } = await wired();
      // No raise starts when the invocation is about to time out: what is left waits for the next sweep.
      const report = await sweep(config.watchTargets, {
        ...deps,
        remainingMs: () => context.getRemainingTimeInMillis(),
      });
      for (const error of report.errors) log.logger.error('sweep failure', { ...error });
      recorder.count('SweepPending', report.pending);
      recorder.count('SweepDecisions', report.decisions.length);
      recorder.count('SweepRequests', report.requested.length);
      recorder.count('SweepReminders', report.reminded.length);
      recorder.count('SweepDeferred', report.deferred);
      recorder.count('SweepClosed', report.closed);
      recorder.count('SweepErrors', report.errors.length);
      const summary: SweepSummary = {
        ...report,
        decisions: report.decisions.length,
        requested: report.requested.length,
        reminded: report.reminded.length,
      };
      log.logger.info('swept', { ...summary, errors: report.errors.length });
      return summary;
    });
}

// Nothing is parsed or fetched at import: configuration and secrets load at the first event.
export const handler = createSweeperHandler();
