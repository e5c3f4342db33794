/**
 * The approval sweeper's effects: Huawei Cloud (connections and whitelists), the ledger, the decision
 * queue for automatic decisions, and for approval requests the outcome topic plus, where configured,
 * the chats and a Jira approval issue; with an estate, the targets found in each account and region.
 */
import { approvalChats } from '../../lib/chatops/approval-config.ts';
import { chatChannels, digestInChats } from '../../lib/chatops/approval-request.ts';
import { dingtalkApiFor, wecomApiFor } from '../../lib/chatops/china-notify.ts';
import { driftChats } from '../../lib/chatops/drift-notice.ts';
import { feishuApiFor } from '../../lib/chatops/feishu-notify.ts';
import { type AnyDecisionInput, DecisionSchema, targetFromKey } from '../../lib/decision/schema.ts';
import type { EstateRun } from '../../lib/estate/execute.ts';
import { estateRun, placeTarget } from '../../lib/estate/run.ts';
import type { Estate } from '../../lib/estate/schema.ts';
import { type WatchedEstate, watchedLocator, watchedTargets } from '../../lib/estate/watch.ts';
import { defaultDynamoDbClient, dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import { memoryPlacements } from '../../lib/ledger/placements.ts';
import { dynamoDbRequestLifecycle } from '../../lib/ledger/request-lifecycle.ts';
import type { Logger } from '../../lib/log.ts';
import { type MetricsRecorder, recordApiAttempt } from '../../lib/metrics.ts';
import {
  defaultSnsClient,
  snsApprovalRequestPublisher,
  snsSweepEventPublisher,
} from '../../lib/outcome/sns-publisher.ts';
import { decisionQueue } from '../../lib/queue/enqueue.ts';
import { closeEverywhere } from '../../lib/requests/close.ts';
import { closureFromDecision, closureFromStatus } from '../../lib/requests/closure.ts';
import { createRuntime } from '../../lib/runtime.ts';
import { huaweiConnectionStatus, huaweiListing } from '../../lib/sweeper/huawei-listing.ts';
import {
  huaweiTargetReader,
  ownAccountLocation,
  ownAccountResolver,
} from '../../lib/sweeper/huawei-target.ts';
import { targetSteps } from '../../lib/sweeper/steps.ts';
import type { ApprovalRequestEvent, RequestChannel, SweepDeps } from '../../lib/sweeper/sweep.ts';
import { approvalIssueRaiserFor } from '../../lib/tickets/approval-issue-raiser.ts';
import { estatePlacements } from '../commons/loop.ts';
import { requestClosing } from '../commons/request-closing.ts';
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
  // Checked as any decision is: the queue carries only what the worker accepts.
  const enqueue = async (decision: AnyDecisionInput) => {
    await queue.enqueue(DecisionSchema.parse(decision));
  };
  const dynamodb = effects.dynamodb ?? defaultDynamoDbClient();
  const ledger = dynamoDbLedger({ client: dynamodb, tableName: config.ledgerTableName, clock });
  const lifecycle = dynamoDbRequestLifecycle({ client: dynamodb, tableName: config.ledgerTableName, clock });
  const feishuApi = feishuApiFor(config.feishuApi);
  const chats = approvalChats(config.chats, feishuApi, {
    dingtalkApi: dingtalkApiFor(config.dingtalkApi),
    wecomApi: wecomApiFor(config.wecomApi),
    rules: config.rules,
  });
  const closing = requestClosing(config.close, {
    lifecycle,
    ledger,
    feishuApi,
    clock,
    logger: observe.logger,
  });
  const toSweepTopic = snsSweepEventPublisher(sns, config.topicArn);
  // Drift is told in the approval chats too, best effort: the topic's event is the record.
  const toDriftChats = driftChats({
    config: config.chats,
    feishuApi,
    onFailure: (chat, reason) => observe.logger.warn('could not post drift to the chat', { chat, reason }),
  });
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
  const ownLocation = ownAccountLocation(config.huawei, config.ownerDomainId);
  const place = (event: ApprovalRequestEvent): ApprovalRequestEvent => {
    const where = estate?.watched.places.get(event.target.toLowerCase());
    return where === undefined ? event : { ...event, account: where.account.name, region: where.region };
  };
  // The topic always hears of a request; the chats and Jira where they are configured. Each keeps
  // its handle on the request record, so a raise that failed in one is finished there only.
  const channels: RequestChannel[] = [
    {
      name: 'topic',
      raise: async (event) => {
        await toTopic(place(event));
        return { publishedAt: clock().toISOString() };
      },
      remind: async (event) => {
        await toTopic(place(event));
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
              const issue = await toJira(place(event));
              return issue === undefined ? {} : { key: issue.key };
            },
          },
        ]),
  ];
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
    lifecycle,
    rules: config.rules,
    enqueue,
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
    targetSteps: () =>
      targetSteps({
        async readTarget(target) {
          // With an estate, in the target's own account and region; else the functions' own.
          const parsed = estate === undefined ? undefined : targetFromKey(target);
          if (estate !== undefined && parsed !== undefined) {
            const deadlineAt = clock().getTime() + config.execution.deadlineMs;
            const { client, api } = await placeTarget(estate.run, parsed, deadlineAt);
            const reader = huaweiTargetReader({
              client,
              resolve: () => api,
              deadlineMs: config.execution.deadlineMs,
              clock,
            });
            return reader(target);
          }
          const { client } = await huawei();
          const read = huaweiTargetReader({
            client,
            resolve: ownAccountResolver(config.huawei),
            deadlineMs: config.execution.deadlineMs,
            clock,
          });
          return read(target);
        },
        locate: (target) => {
          const where = estate?.watched.places.get(target.toLowerCase());
          if (where === undefined) return ownLocation();
          return {
            account: where.account.name,
            region: where.region,
            ownerDomainId: where.account.domainId.toLowerCase(),
          };
        },
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
