/**
 * The approval sweeper's effects: Huawei Cloud (connections and whitelists), the ledger, the decision
 * queue for automatic decisions, and for approval requests the outcome topic plus, where configured,
 * the chats and a Jira approval issue.
 */
import { approvalChats } from '../../lib/chatops/approval-config.ts';
import { raiseInChats } from '../../lib/chatops/approval-request.ts';
import { driftChats } from '../../lib/chatops/drift-notice.ts';
import { feishuApiFor } from '../../lib/chatops/feishu-notify.ts';
import { type AnyDecisionInput, DecisionSchema } from '../../lib/decision/schema.ts';
import { defaultDynamoDbClient, dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import type { Logger } from '../../lib/log.ts';
import { type MetricsRecorder, recordApiAttempt } from '../../lib/metrics.ts';
import {
  defaultSnsClient,
  snsApprovalRequestPublisher,
  snsSweepEventPublisher,
} from '../../lib/outcome/sns-publisher.ts';
import { decisionQueue } from '../../lib/queue/enqueue.ts';
import { createRuntime } from '../../lib/runtime.ts';
import { huaweiListing } from '../../lib/sweeper/huawei-listing.ts';
import {
  huaweiTargetReader,
  ownAccountLocation,
  ownAccountResolver,
} from '../../lib/sweeper/huawei-target.ts';
import { targetSteps } from '../../lib/sweeper/steps.ts';
import type { ApprovalRequestEvent, SweepDeps } from '../../lib/sweeper/sweep.ts';
import { approvalIssueRaiserFor } from '../../lib/tickets/approval-issue-raiser.ts';
import type { Effects } from '../commons/wiring.ts';
import type { SweeperConfig } from './config.ts';

/** The sweep's deps, and its later steps (drift, whitelist, reconcile, measures), made afresh per sweep. */
export type SweeperDeps = SweepDeps & { targetSteps(): ReturnType<typeof targetSteps> };

export function sweeperDeps(
  config: SweeperConfig,
  observe: { logger: Logger; metrics: MetricsRecorder },
  effects: Effects = {},
): SweeperDeps {
  const clock = effects.clock ?? (() => new Date());
  // Built at the first listing: a configuration without credentials fails there, naming the variable.
  let client: ReturnType<typeof createRuntime> | undefined;
  const huawei = () => {
    client ??= createRuntime(config, {
      logger: observe.logger,
      onAttempt: (event) => recordApiAttempt(observe.metrics, event),
    });
    return client;
  };
  const queue = decisionQueue({ queueUrl: config.queueUrl, sqs: effects.sqs });
  const sns = effects.sns ?? defaultSnsClient();
  const toTopic = snsApprovalRequestPublisher(sns, config.topicArn, { clock });
  const enqueue = async (decision: AnyDecisionInput) => {
    await queue.enqueue(DecisionSchema.parse(decision));
  };
  const ledger = dynamoDbLedger({
    client: effects.dynamodb ?? defaultDynamoDbClient(),
    tableName: config.ledgerTableName,
    clock,
  });
  const feishuApi = feishuApiFor(config.feishuApi);
  const chats = approvalChats(config.chats, feishuApi);
  const toSweepTopic = snsSweepEventPublisher(sns, config.topicArn);
  // Drift is told in the approval chats too, best effort: the topic's event is the record.
  const toDriftChats = driftChats({
    config: config.chats,
    feishuApi,
    onFailure: (chat, reason) => observe.logger.warn('could not post drift to the chat', { chat, reason }),
  });
  const toChats = chats.length === 0 ? undefined : raiseInChats(chats);
  const toJira =
    config.jiraApproval === undefined
      ? undefined
      : approvalIssueRaiserFor(config.jiraApproval, { ledger, clock, logger: observe.logger });
  return {
    async listPending(target, options) {
      const { client } = await huawei();
      const list = huaweiListing({
        client,
        huawei: config.huawei,
        deadlineMs: config.execution.deadlineMs,
        clock,
      });
      return list(target, options);
    },
    ledger,
    rules: config.rules,
    // Checked as any decision is: the queue carries only what the worker accepts.
    enqueue,
    // The topic always hears of a request; the chats and Jira where they are configured, each tried
    // even if another failed. Any failure makes the sweep withdraw the request and raise it again at
    // the next sweep (the Jira raiser finds the issue it opened, in the ledger or by its label in Jira,
    // and opens no other).
    async raiseApprovalRequest(event: ApprovalRequestEvent) {
      await toTopic(event);
      const raised = await Promise.allSettled([toChats?.(event), toJira?.(event)]);
      const failed = raised.find((r) => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    },
    clock,
    reminderIntervalMs: config.reminderIntervalMs,
    targetSteps: () =>
      targetSteps({
        async readTarget(target) {
          const { client } = await huawei();
          const read = huaweiTargetReader({
            client,
            resolve: ownAccountResolver(config.huawei),
            deadlineMs: config.execution.deadlineMs,
            clock,
          });
          return read(target);
        },
        locate: ownAccountLocation(config.huawei, config.ownerDomainId),
        ledger,
        enqueue,
        async publish(event) {
          await toSweepTopic(event);
          if (event.eventType === 'drift.detected' && event.kind !== 'baseline') await toDriftChats?.(event);
        },
        metrics: observe.metrics,
        clock,
      }),
  };
}
