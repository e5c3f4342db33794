/** The WeCom function's effects: the queue, the ledger and `status` reads (cards are updated by the notifier). */
import type { WecomDeps } from '../../lib/chatops/wecom.ts';
import type { Logger } from '../../lib/log.ts';
import type { MetricsRecorder } from '../../lib/metrics.ts';
import { chatDeps } from '../commons/chat.ts';
import type { Effects } from '../commons/wiring.ts';
import type { WecomConfig } from './config.ts';

export function wecomDeps(
  config: WecomConfig,
  observe: { logger: Logger; metrics: MetricsRecorder },
  effects: Effects = {},
): WecomDeps {
  return {
    ...chatDeps(config, observe, effects),
    token: config.token,
    encodingAesKey: config.encodingAesKey,
    corpId: config.corpId,
  };
}
