/** The DingTalk function's effects: the queue, the ledger, `status` reads, and replies to a sessionWebhook. */

import type { DingtalkDeps } from '../../lib/chatops/dingtalk.ts';
import { judgeDingtalkWebhookAnswer } from '../../lib/chatops/dingtalk-api.ts';
import { postJson } from '../../lib/chatops/post.ts';
import type { Logger } from '../../lib/log.ts';
import type { MetricsRecorder } from '../../lib/metrics.ts';
import { chatDeps } from '../commons/chat.ts';
import type { Effects } from '../commons/wiring.ts';
import type { DingtalkConfig } from './config.ts';

export function dingtalkDeps(
  config: DingtalkConfig,
  observe: { logger: Logger; metrics: MetricsRecorder },
  effects: Effects = {},
): DingtalkDeps {
  return {
    ...chatDeps(config, observe, effects),
    cardApiSecret: config.cardApiSecret,
    appSecret: config.appSecret,
    sessionWebhookPrefix: config.sessionWebhookPrefix,
    async replyInSession(url, title, markdown) {
      const answer = judgeDingtalkWebhookAnswer(
        await postJson(
          url,
          { msgtype: 'markdown', markdown: { title, text: markdown } },
          { timeoutMs: 1_000 },
        ),
      );
      if (answer.status !== 200) throw new Error(`sessionWebhook answered HTTP ${answer.status}`);
    },
  };
}
