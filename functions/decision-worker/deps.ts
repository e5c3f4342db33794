/**
 * The decision worker's effects: the Huawei client, the ledger (superseded decisions refused, applied
 * ones recorded) and the outcome topic. A decision without `decidedAt` is dated by the queue's sent time.
 */
import type { Logger } from '../../lib/log.ts';
import type { MetricsRecorder } from '../../lib/metrics.ts';
import { outcomePublisher } from '../../lib/outcome/publish.ts';
import type { WorkerDeps } from '../../lib/queue/worker.ts';
import { decisionRunner } from '../../lib/runner.ts';
import { estatePlacements, functionLedger } from '../commons/loop.ts';
import type { Effects } from '../commons/wiring.ts';
import type { WorkerConfig } from './config.ts';

/** The deps of one invocation, which may execute until `deadlineAt`. */
export function workerDeps(
  config: WorkerConfig,
  observe: { logger: Logger; metrics: MetricsRecorder },
  effects: Effects = {},
): (deadlineAt: number) => WorkerDeps {
  const loop = functionLedger(config.ledgerTableName, effects);
  let requestsWritten = 0;
  const runner = decisionRunner(config, {
    ...observe,
    ledger: loop.ledger,
    approvals: loop.approvals,
    lock: loop.locks,
    ...estatePlacements(config, effects),
    onRequestWritten: () => {
      // The container's first request is a status read, beside which the executor reads the ledger: the
      // ledger's client loads during that wait, the topic's (needed only at the end) during the next one.
      requestsWritten += 1;
      if (requestsWritten > 1) publisher.warmUp();
    },
  });
  const publisher = outcomePublisher({
    topicArn: config.topicArn,
    secrets: config.secrets,
    sns: effects.sns,
  });
  return (deadlineAt) => ({
    execute: (decision, context) => runner.execute(decision, deadlineAt, context),
    publisher,
    maxReceiveCount: config.maxReceiveCount,
    logger: observe.logger,
  });
}
