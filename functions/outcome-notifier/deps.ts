/** The outcome notifier's effects: posts to Slack's response_url, and the Feishu/Lark, DingTalk and WeCom APIs. */

import { dingtalkApiFor, notifyDingtalk, notifyWecom, wecomApiFor } from '../../lib/chatops/china-notify.ts';
import type { DeliverDeps } from '../../lib/chatops/deliver.ts';
import { feishuApiFor, notifyFeishu } from '../../lib/chatops/feishu-notify.ts';
import { postJson } from '../../lib/chatops/post.ts';
import type { Logger } from '../../lib/log.ts';
import type { MetricsRecorder } from '../../lib/metrics.ts';
import type { NotifierConfig } from './config.ts';

export function notifierDeps(
  config: NotifierConfig,
  observe: { logger: Logger; metrics: MetricsRecorder },
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
    ...observe,
  };
}
