/** What the chat functions share: a decision's way to the queue, and `status` reads within chat's 3 s. */
import type { ChatAllowlist } from '../../lib/chatops/authorize.ts';
import type { OpenRequest } from '../../lib/chatops/china-common.ts';
import type { ChatDeps } from '../../lib/chatops/decide.ts';
import type { DecidedRequest } from '../../lib/chatops/decided-request.ts';
import type { DeliveryOnceDeps } from '../../lib/chatops/delivery-once.ts';
import type { Config } from '../../lib/config.ts';
import type { Logger } from '../../lib/log.ts';
import type { MetricsRecorder } from '../../lib/metrics.ts';
import { decisionQueue } from '../../lib/queue/enqueue.ts';
import type { Rules } from '../../lib/rules/schema.ts';
import { decisionRunner } from '../../lib/runner.ts';
import { decidedRequestReader, estatePlacements, functionLedger } from './loop.ts';
import type { Effects } from './wiring.ts';

/** Chat platforms give up after 3 s; a status read must leave time to answer. */
const STATUS_BUDGET_MS = 2_000;

export function chatDeps(
  config: Pick<Config, 'huawei' | 'execution' | 'allowedTargets' | 'estate'> & {
    queueUrl: string;
    allowlist: ChatAllowlist;
    sourceSigningKey: string | undefined;
    secrets: readonly string[];
    ledgerTableName: string;
    rules: Rules;
  },
  observe: { logger: Logger; metrics: MetricsRecorder },
  effects: Effects,
): Omit<ChatDeps, 'sourceKey'> & {
  sourceKey: string | undefined;
  delivery: DeliveryOnceDeps;
  openRequest: OpenRequest;
  decidedRequest: DecidedRequest;
} {
  const ledger = functionLedger(config.ledgerTableName, effects);
  const runner = decisionRunner(config, { ...observe, ...estatePlacements(config, effects) });
  return {
    decidedRequest: decidedRequestReader(config.ledgerTableName, effects),
    // Two-person approval where the rules ask for it; every delivery acted on once.
    twoPerson: { rules: config.rules, store: ledger.approvals, ledger: ledger.ledger },
    delivery: { ledger: ledger.ledger, answers: ledger.answers },
    allowlist: config.allowlist,
    // Without it the chat functions answer 503 (fail closed): see lib/chatops/slack.ts, feishu.ts.
    sourceKey: config.sourceSigningKey,
    allowedTargets: config.allowedTargets,
    estate: config.estate,
    huawei: config.huawei,
    queue: decisionQueue({ queueUrl: config.queueUrl, sqs: effects.sqs }),
    readPending: (target) => runner.readPending(target, Date.now() + STATUS_BUDGET_MS),
    logger: observe.logger,
    // DingTalk and WeCom clicks count only on a request the sweeper raised and still holds open. Read
    // from the ledger's index: a request raised a moment ago may be missing, never one long closed.
    openRequest: async (target, endpointId) =>
      (await ledger.ledger.approvalRequests(target)).some(
        (r) => r.endpointId.toLowerCase() === endpointId.toLowerCase() && r.state !== 'closed',
      ),
  };
}
