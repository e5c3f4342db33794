/**
 * The outcome notifier's effects: posts to Slack's response_url and the Feishu/Lark, DingTalk and WeCom APIs, and
 * closes the approval requests of the connections an outcome decided (the ledger, Slack's chat.update,
 * Feishu's message patch, Jira).
 */
import { dingtalkApiFor, notifyDingtalk, notifyWecom, wecomApiFor } from '../../lib/chatops/china-notify.ts';
import type { DeliverDeps } from '../../lib/chatops/deliver.ts';
import { feishuApiFor, notifyFeishu } from '../../lib/chatops/feishu-notify.ts';
import { postJson } from '../../lib/chatops/post.ts';
import type { Outcome } from '../../lib/decision/outcome.ts';
import { defaultDynamoDbClient, dynamoDbLedger } from '../../lib/ledger/dynamodb.ts';
import { dynamoDbRequestLifecycle } from '../../lib/ledger/request-lifecycle.ts';
import type { Logger } from '../../lib/log.ts';
import type { MetricsRecorder } from '../../lib/metrics.ts';
import { closeEverywhere } from '../../lib/requests/close.ts';
import { closuresOf } from '../../lib/requests/closure.ts';
import { requestClosing } from '../commons/request-closing.ts';
import type { Effects } from '../commons/wiring.ts';
import type { NotifierConfig } from './config.ts';

export function notifierDeps(
  config: NotifierConfig,
  observe: { logger: Logger; metrics: MetricsRecorder },
  effects: Effects = {},
): DeliverDeps {
  // One Feishu client per configuration, so its tenant token is reused across events.
  const feishu = feishuApiFor(config.feishu);
  const dingtalk = dingtalkApiFor(config.dingtalk);
  const wecom = wecomApiFor(config.wecom);
  return {
    post: (url, body) => postJson(url, body, { timeoutMs: 5_000 }),
    slackUrlPrefix: config.slackUrlPrefix,
    sourceKey: config.sourceSigningKey,
    ...(feishu === undefined ? {} : { feishu: (outcome) => notifyFeishu(outcome, feishu, observe.logger) }),
    ...(dingtalk === undefined
      ? {}
      : {
          dingtalk: (outcome) =>
            notifyDingtalk(outcome, dingtalk, observe.logger, { prefix: config.dingtalkSessionPrefix }),
        }),
    ...(wecom === undefined ? {} : { wecom: (outcome) => notifyWecom(outcome, wecom, observe.logger) }),
    ...(config.ledgerTableName === undefined
      ? {}
      : { closeRequests: closer(config, config.ledgerTableName, feishu, observe.logger, effects) }),
    ...observe,
  };
}

/** Closes every request the outcome decided; each is tried, and the first failure is thrown after. */
function closer(
  config: NotifierConfig,
  tableName: string,
  feishuApi: ReturnType<typeof feishuApiFor>,
  logger: Logger,
  effects: Effects,
) {
  const clock = effects.clock ?? (() => new Date());
  const client = effects.dynamodb ?? defaultDynamoDbClient();
  const closing = requestClosing(config.close, {
    lifecycle: dynamoDbRequestLifecycle({ client, tableName, clock }),
    ledger: dynamoDbLedger({ client, tableName, clock }),
    feishuApi,
    clock,
    logger,
  });
  return async (outcome: Outcome) => {
    const results = await Promise.allSettled(
      closuresOf(outcome).map(({ target, endpointId, closure }) =>
        closeEverywhere(target, endpointId, closure, closing),
      ),
    );
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  };
}
