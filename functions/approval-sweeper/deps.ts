/**
 * The approval sweeper's effects: Huawei Cloud (connections and whitelists), the ledger, the decision
 * queue for automatic decisions, and for approval requests the outcome topic plus, where configured,
 * the chats and a Jira approval issue.
 */
import { approvalChats } from '../../lib/chatops/approval-config.ts';
import { raiseInChats } from '../../lib/chatops/approval-request.ts';
import { dingtalkApiFor, wecomApiFor } from '../../lib/chatops/china-notify.ts';
import { driftChats } from '../../lib/chatops/drift-notice.ts';
import { feishuApiFor } from '../../lib/chatops/feishu-notify.ts';
import { type AnyDecisionInput, DecisionSchema } from '../../lib/decision/schema.ts';
import type { EstateRun } from '../../lib/estate/execute.ts';
import { estateRun } from '../../lib/estate/run.ts';
import type { Estate } from '../../lib/estate/schema.ts';
import { type WatchedEstate, watchedLocator, watchedTargets } from '../../lib/estate/watch.ts';
import { defaultDynamoDbClient, dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import { memoryPlacements } from '../../lib/ledger/placements.ts';
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
import { estatePlacements } from '../commons/loop.ts';
import type { Effects } from '../commons/wiring.ts';
import type { SweeperConfig } from './config.ts';

/**
 * The sweep's deps, what it sweeps (the watched list, or the estate's targets found now), and its later
 * steps (drift, whitelist, reconcile, measures), made afresh per sweep.
 */
export type SweeperDeps = SweepDeps & {
  watched(): Promise<WatchedTargets>;
  targetSteps(): ReturnType<typeof targetSteps>;
};

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
  const chats = approvalChats(config.chats, feishuApi, {
    dingtalkApi: dingtalkApiFor(config.dingtalkApi),
    wecomApi: wecomApiFor(config.wecomApi),
    rules: config.rules,
  });
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
    enqueue,
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
