/** The Slack command function's effects: the queue, `status` reads, and posts to a response_url. */
import { postJson } from '../../lib/chatops/post.ts';
import type { SlackDeps } from '../../lib/chatops/slack.ts';
import type { Logger } from '../../lib/log.ts';
import type { MetricsRecorder } from '../../lib/metrics.ts';
import { chatDeps } from '../commons/chat.ts';
import type { Effects } from '../commons/wiring.ts';
import type { SlackConfig } from './config.ts';

export function slackDeps(
  config: SlackConfig,
  observe: { logger: Logger; metrics: MetricsRecorder },
  effects: Effects = {},
): SlackDeps {
  return {
    ...chatDeps(config, observe, effects),
    signingSecret: config.signingSecret,
    async respond(url, message) {
      await postJson(url, message, { timeoutMs: 1_500 });
    },
  };
}
