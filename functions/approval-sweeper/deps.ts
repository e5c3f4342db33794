/**
 * The approval sweeper's effects: Huawei Cloud (connections and whitelists), the ledger, the decision
 * queue for automatic decisions, and for approval requests the outcome topic plus, where configured,
 * the chats and a Jira approval issue.
 */
import { approvalChats } from '../../lib/chatops/approval-config.ts';
import { raiseInChats } from '../../lib/chatops/approval-request.ts';
import { dingtalkApiFor, wecomApiFor } from '../../lib/chatops/china-notify.ts';
import { feishuApiFor } from '../../lib/chatops/feishu-notify.ts';
import { DecisionSchema } from '../../lib/decision/schema.ts';
import { defaultDynamoDbClient, dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import type { Logger } from '../../lib/log.ts';
import { type MetricsRecorder, recordApiAttempt } from '../../lib/metrics.ts';
import { defaultSnsClient, snsApprovalRequestPublisher } from '../../lib/outcome/sns-publisher.ts';
import { decisionQueue } from '../../lib/queue/enqueue.ts';
import { createRuntime } from '../../lib/runtime.ts';
import { huaweiListing } from '../../lib/sweeper/huawei-listing.ts';
import type { ApprovalRequestEvent, SweepDeps } from '../../lib/sweeper/sweep.ts';
import { approvalIssueRaiserFor } from '../../lib/tickets/approval-issue-raiser.ts';
import type { Effects } from '../commons/wiring.ts';
import type { SweeperConfig } from './config.ts';

export function sweeperDeps(
  config: SweeperConfig,
  observe: { logger: Logger; metrics: MetricsRecorder },
  effects: Effects = {},
): SweepDeps {
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
  const toTopic = snsApprovalRequestPublisher(effects.sns ?? defaultSnsClient(), config.topicArn, { clock });
  const ledger = dynamoDbLedger({
    client: effects.dynamodb ?? defaultDynamoDbClient(),
    tableName: config.ledgerTableName,
    clock,
  });
  const chats = approvalChats(config.chats, feishuApiFor(config.feishuApi), {
    dingtalkApi: dingtalkApiFor(config.dingtalkApi),
    wecomApi: wecomApiFor(config.wecomApi),
    rules: config.rules,
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
    enqueue: async (decision) => {
      await queue.enqueue(DecisionSchema.parse(decision));
    },
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
  };
}
