/**
 * The decision webhook's effects: the queue, the ledger (each delivery answered once, each decision id
 * acted on once), and for `?wait=true` the Huawei client and the topic.
 */
import type { Logger } from '../../lib/log.ts';
import type { MetricsRecorder } from '../../lib/metrics.ts';
import { outcomePublisher } from '../../lib/outcome/publish.ts';
import { decisionQueue } from '../../lib/queue/enqueue.ts';
import { decisionRunner } from '../../lib/runner.ts';
import type { WebhookDeps } from '../../lib/webhook/handle.ts';
import { estatePlacements, functionLedger } from '../commons/loop.ts';
import type { Effects } from '../commons/wiring.ts';
import type { WebhookConfig } from './config.ts';

/** The deps of one invocation, which may execute until `deadlineAt`. */
export type WebhookDepsAt = (deadlineAt: number) => WebhookDeps;

export function webhookDeps(
  config: WebhookConfig,
  observe: { logger: Logger; metrics: MetricsRecorder },
  effects: Effects = {},
): WebhookDepsAt {
  const { ledger, answers, approvals, locks } = functionLedger(config.ledgerTableName, effects);
  const runner = decisionRunner(config, {
    ...observe,
    ledger,
    approvals,
    lock: locks,
    ...estatePlacements(config, effects),
    onRequestWritten: () => publisher.warmUp(),
  });
  const queue = decisionQueue({ queueUrl: config.queueUrl, sqs: effects.sqs });
  const publisher = outcomePublisher({
    topicArn: config.topicArn,
    secrets: config.secrets,
    sns: effects.sns,
  });
  return (deadlineAt) => ({
    auth: config.auth,
    huawei: config.huawei,
    allowedTargets: config.allowedTargets,
    estate: config.estate,
    queue,
    once: { ledger, answers },
    rules: config.rules,
    approvals,
    maxDecisionAgeMs: config.loop.maxDecisionAgeMs,
    logger: observe.logger,
    async executeAndPublish(decision, options = {}) {
      const outcome = await runner.execute(decision, deadlineAt, options.dryRun ? { dryRun: true } : {});
      await publisher.publish(outcome);
      return outcome;
    },
  });
}
