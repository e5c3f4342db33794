/** The outcome notifier's settings: where Slack answers may go, and the Feishu/Lark app that posts back. */
import type * as z from 'zod/mini';
import {
  chatSecrets,
  FeishuApiEnv,
  type FeishuApiSettings,
  feishuApiFrom,
  SlackResponseEnv,
} from '../../lib/chatops/config.ts';
import { LogEnv, parseEnv } from '../../lib/config.ts';
import type { Env } from '../../lib/secrets.ts';
import type { BaseConfig } from '../commons/wiring.ts';

const NotifierEnv = { ...LogEnv, ...SlackResponseEnv, ...FeishuApiEnv };

export type NotifierConfig = BaseConfig & { slackUrlPrefix: string; feishu: FeishuApiSettings };

export function loadNotifierConfig(env: Env = process.env): NotifierConfig {
  const e: z.output<z.ZodMiniObject<typeof NotifierEnv>> = parseEnv(NotifierEnv, env);
  return {
    slackUrlPrefix: e.SLACK_RESPONSE_URL_PREFIX,
    feishu: feishuApiFrom(e),
    logLevel: e.VPCEP_APPROVAL_LOG_LEVEL,
    notices: [],
    secrets: chatSecrets(e),
  };
}
