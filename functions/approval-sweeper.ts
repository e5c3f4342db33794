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
import { loadSweeperConfig, SweeperVariables } from './approval-sweeper/config.ts';
import { sweeperDeps } from './approval-sweeper/deps.ts';
import { createLogger } from './commons/powertools/logger.ts';
import { createMetrics } from './commons/powertools/metrics.ts';
import { type Effects, wiring } from './commons/wiring.ts';

export type SweepSummary = Omit<SweepReport, 'decisions' | 'requested' | 'reminded'> & {
  decisions: number;
  requested: number;
  reminded: number;
  /** Upkeep decisions queued, reconcile rejects queued, violations and drift reported. */
  whitelist: number;
  reconciled: number;
  violations: number;
  drift: number;
};

/** The handler for an environment; the local stack and tests build their own with emulator clients. */
export function createSweeperHandler(env: Env = process.env, effects: Effects = {}) {
  const log = createLogger('approval-sweeper', effects.write);
  const { metrics, recorder, publishRecorded } = createMetrics('approval-sweeper', log.logger);
  const wired = wiring(env, log, { load: loadSweeperConfig, variables: SweeperVariables }, (config) =>
    sweeperDeps(config, { logger: log.logger, metrics: recorder }, effects),
  );
  return middy<Partial<ScheduledEvent>, SweepSummary, Error, Context>()
    .use(injectLambdaContext(log.powertools, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(publishRecorded)
    .handler(async (_event, context) => {
      const { deps } = await wired();
      // With an estate, what to sweep is found now (discovery); a region that cannot be read is an error.
      const watched = await deps.watched();
      const steps = deps.targetSteps();
      // No raise starts when the invocation is about to time out: what is left waits for the next sweep.
      const report = await sweep(watched.targets, {
        ...deps,
        afterTarget: steps.run,
        remainingMs: () => context.getRemainingTimeInMillis(),
      });
      report.errors.push(...watched.errors);
      for (const error of report.errors) log.logger.error('sweep failure', { ...error });
      for (const problem of steps.report.problems) log.logger.warn('sweep step not done', { ...problem });
      for (const error of steps.report.errors) log.logger.error('sweep step failure', { ...error });
      recorder.count('SweepPending', report.pending);
      recorder.count('SweepDecisions', report.decisions.length);
      recorder.count('SweepRequests', report.requested.length);
      recorder.count('SweepReminders', report.reminded.length);
      recorder.count('SweepDeferred', report.deferred);
      recorder.count('SweepClosed', report.closed);
      recorder.count('SweepErrors', report.errors.length + steps.report.errors.length);
      const summary: SweepSummary = {
        ...report,
        decisions: report.decisions.length,
        requested: report.requested.length,
        reminded: report.reminded.length,
        whitelist: steps.report.whitelist.length,
        reconciled: steps.report.reconciled.length,
        violations: steps.report.violations.length,
        drift: steps.report.drift.length,
      };
      log.logger.info('swept', { ...summary, errors: report.errors.length });
      return summary;
    });
}

// Nothing is parsed or fetched at import: configuration and secrets load at the first event.
export const handler = createSweeperHandler();
