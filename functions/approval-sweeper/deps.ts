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
import type { EstateRun } from '../../lib/estate/execute.ts';
import { estateRun } from '../../lib/estate/run.ts';
import type { Estate } from '../../lib/estate/schema.ts';
import { type WatchedEstate, watchedLocator, watchedTargets } from '../../lib/estate/watch.ts';
import { defaultDynamoDbClient, dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import { memoryPlacements } from '../../lib/ledger/placements.ts';
import type { Logger } from '../../lib/log.ts';
import { type MetricsRecorder, recordApiAttempt } from '../../lib/metrics.ts';
import { defaultSnsClient, snsApprovalRequestPublisher } from '../../lib/outcome/sns-publisher.ts';
import { decisionQueue } from '../../lib/queue/enqueue.ts';
import { createRuntime } from '../../lib/runtime.ts';
import { huaweiListing } from '../../lib/sweeper/huawei-listing.ts';
import type { ApprovalRequestEvent, SweepDeps } from '../../lib/sweeper/sweep.ts';
import { approvalIssueRaiserFor } from '../../lib/tickets/approval-issue-raiser.ts';
import { estatePlacements } from '../commons/loop.ts';
import type { Effects } from '../commons/wiring.ts';
import type { SweeperConfig } from './config.ts';

/** The sweep's deps, and what it sweeps: the watched list, or the estate's targets found now. */
export type SweeperDeps = SweepDeps & { watched(): Promise<WatchedTargets> };

export type WatchedTargets = {
  targets: string[];
  errors: Array<{ target: string; code: string; message: string }>;
};

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
  // With an estate, each sweep finds its targets first (discovery), and lists each in its account.
  const placements = estatePlacements(config, effects).placements;
  let estate: { run: EstateRun; watched: WatchedEstate } | undefined;
  const estateRunOf = async (estateConfig: Estate) => {
    const { client } = await huawei();
    return estateRun(estateConfig, config.huawei, client, { placements, clock });
  };
  let run: Promise<EstateRun> | undefined;
  const place = (event: ApprovalRequestEvent): ApprovalRequestEvent => {
    const where = estate?.watched.places.get(event.target.toLowerCase());
    return where === undefined ? event : { ...event, account: where.account.name, region: where.region };
  };
  return {
    async watched() {
      if (config.estate === undefined) return { targets: config.watchTargets, errors: [] };
      run ??= estateRunOf(config.estate);
      const running = await run;
      const watched = await watchedTargets(running, placements ?? memoryPlacements(), {
        deadlineAt: clock().getTime() + config.execution.deadlineMs,
        clock,
      });
      estate = { run: running, watched };
      return watched;
    },
    async listPending(target, options) {
      const { client } = await huawei();
      const list = huaweiListing({
        client,
        huawei: config.huawei,
        deadlineMs: config.execution.deadlineMs,
        clock,
        ...(estate === undefined ? {} : { locate: watchedLocator(estate.run, estate.watched) }),
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
    async raiseApprovalRequest(request: ApprovalRequestEvent) {
      const event = place(request);
      await toTopic(event);
      const raised = await Promise.allSettled([toChats?.(event), toJira?.(event)]);
      const failed = raised.find((r) => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    },
    clock,
    reminderIntervalMs: config.reminderIntervalMs,
  };
}
