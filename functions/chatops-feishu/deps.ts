/** The Feishu/Lark event function's effects: the queue, `status` reads, and replies through the Open API. */

import type { FeishuDeps } from '../../lib/chatops/feishu.ts';
import { RecentIds } from '../../lib/chatops/feishu.ts';
import { feishuApiFor } from '../../lib/chatops/feishu-notify.ts';
import type { Logger } from '../../lib/log.ts';
import type { MetricsRecorder } from '../../lib/metrics.ts';
import { chatDeps } from '../commons/chat.ts';
import type { Effects } from '../commons/wiring.ts';
import type { FeishuConfig } from './config.ts';

export function feishuDeps(
  config: FeishuConfig,
  observe: { logger: Logger; metrics: MetricsRecorder },
  effects: Effects = {},
): FeishuDeps {
  // One API client per configuration, so its tenant token is reused across events.
  const api = feishuApiFor(config);
  return {
    ...chatDeps(config, observe, effects),
    encryptKey: config.encryptKey,
    verificationToken: config.verificationToken,
    system: config.apiBase.includes('larksuite') ? 'lark' : 'feishu',
    seen: new RecentIds(),
    ...(api === undefined
      ? {}
      : { reply: async (messageId, message) => void (await api.reply(messageId, message)) }),
  };
}
