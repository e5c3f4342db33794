/**
 * The decision worker's effects: the Huawei client, the ledger (superseded decisions refused, applied
 * ones recorded) and the outcome topic. A decision without `decidedAt` is dated by the queue's sent time.
 */
import type { Logger } from '../../lib/log.ts';
import type { MetricsRecorder } from '../../lib/metrics.ts';
import { outcomePublisher } from '../../lib/outcome/publish.ts';
import type { WorkerDeps } from '../../lib/queue/worker.ts';
import { decisionRunner } from '../../lib/runner.ts';
import { functionLedger } from '../commons/loop.ts';
import type { Effects } from '../commons/wiring.ts';
import type { WorkerConfig } from './config.ts';

/** The deps of one invocation, which may execute until `deadlineAt`. */
export function workerDeps(
  config: WorkerConfig,
  observe: { logger: Logger; metrics: MetricsRecorder },
  effects: Effects = {},
): (deadlineAt: number) => WorkerDeps {
  const { ledger } = functionLedger(config.ledgerTableName, effects);
  const runner = decisionRunner(config, { ...observe, ledger, onRequestWritten: () => publisher.warmUp() });
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
