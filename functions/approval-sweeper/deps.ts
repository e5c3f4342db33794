/**
 * The approval sweeper's effects: Huawei Cloud (connections and whitelists), the ledger, the decision
 * queue for automatic decisions, and for approval requests the outcome topic plus, where configured,
 * the chats and a Jira approval issue.
 */
import { approvalChats } from '../../lib/chatops/approval-config.ts';
import { chatChannels, digestInChats } from '../../lib/chatops/approval-request.ts';
import { feishuApiFor } from '../../lib/chatops/feishu-notify.ts';
import { DecisionSchema } from '../../lib/decision/schema.ts';
import { defaultDynamoDbClient, dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import { dynamoDbRequestLifecycle } from '../../lib/ledger/request-lifecycle.ts';
import type { Logger } from '../../lib/log.ts';
import { type MetricsRecorder, recordApiAttempt } from '../../lib/metrics.ts';
import { defaultSnsClient, snsApprovalRequestPublisher } from '../../lib/outcome/sns-publisher.ts';
import { decisionQueue } from '../../lib/queue/enqueue.ts';
import { closeEverywhere } from '../../lib/requests/close.ts';
import { closureFromDecision, closureFromStatus } from '../../lib/requests/closure.ts';
import { createRuntime } from '../../lib/runtime.ts';
import { huaweiConnectionStatus, huaweiListing } from '../../lib/sweeper/huawei-listing.ts';
import type { ApprovalRequestEvent, RequestChannel, SweepDeps } from '../../lib/sweeper/sweep.ts';
import { approvalIssueRaiserFor } from '../../lib/tickets/approval-issue-raiser.ts';
import { requestClosing } from '../commons/request-closing.ts';
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
  const dynamodb = effects.dynamodb ?? defaultDynamoDbClient();
  const ledger = dynamoDbLedger({ client: dynamodb, tableName: config.ledgerTableName, clock });
  const lifecycle = dynamoDbRequestLifecycle({ client: dynamodb, tableName: config.ledgerTableName, clock });
  const feishuApi = feishuApiFor(config.feishuApi);
  const chats = approvalChats(config.chats, feishuApi);
  const closing = requestClosing(config.close, {
    lifecycle,
    ledger,
    feishuApi,
    clock,
    logger: observe.logger,
  });
  const toJira =
    config.jiraApproval === undefined
      ? undefined
      : approvalIssueRaiserFor(config.jiraApproval, { ledger, clock, logger: observe.logger });
  // The topic always hears of a request; the chats and Jira where they are configured. Each keeps
  // its handle on the request record, so a raise that failed in one is finished there only.
  const channels: RequestChannel[] = [
    {
      name: 'topic',
      raise: async (event) => {
        await toTopic(event);
        return { publishedAt: clock().toISOString() };
      },
      remind: async (event) => {
        await toTopic(event);
        return undefined;
      },
    },
    ...chatChannels(chats),
    ...(toJira === undefined
      ? []
      : [
          {
            name: 'jira',
            raise: async (event: ApprovalRequestEvent): Promise<Record<string, string>> => {
              const issue = await toJira(event);
              return issue === undefined ? {} : { key: issue.key };
            },
          },
        ]),
  ];
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
    lifecycle,
    rules: config.rules,
    // Checked as any decision is: the queue carries only what the worker accepts.
    enqueue: async (decision) => {
      await queue.enqueue(DecisionSchema.parse(decision));
    },
    channels,
    // A request whose connection is no longer pending: decided here (the ledger says how) or in the
    // console (Huawei's status says what became of it). Closed in every channel it was raised in.
    async closeRequest(request) {
      const last = await ledger.lastDecision(request.target, request.endpointId);
      let closure =
        last !== undefined && last.decidedAt >= request.raisedAt ? closureFromDecision(last) : undefined;
      if (closure === undefined) {
        const { client } = await huawei();
        const status = await huaweiConnectionStatus({
          client,
          huawei: config.huawei,
          deadlineMs: config.execution.deadlineMs,
          clock,
        })(request.target, request.endpointId);
        closure = closureFromStatus(status, clock());
      }
      await closeEverywhere(request.target, request.endpointId, closure, closing);
    },
    ...(chats.length === 0 ? {} : { postDigest: digestInChats(chats) }),
    maxRequestsPerSweep: config.maxRequestsPerSweep,
    clock,
    reminderIntervalMs: config.reminderIntervalMs,
  };
}
