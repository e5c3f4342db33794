/** The outcome notifier's settings: where Slack answers may go, and the Feishu/Lark app that posts back. */
import type * as z from 'zod/mini';
import {
  chatSecrets,
  FeishuApiEnv,
  type FeishuApiSettings,
  feishuApiFrom,
  SlackResponseEnv,
  SourceKeyEnv,
} from '../../lib/chatops/config.ts';
import { LogEnv, parseEnv } from '../../lib/config.ts';
import type { Env } from '../../lib/secrets.ts';
import type { BaseConfig } from '../commons/wiring.ts';

const NotifierEnv = { ...LogEnv, ...SourceKeyEnv, ...SlackResponseEnv, ...FeishuApiEnv };

/** Every variable this function reads: its SSM parameters and its part of docs/configuration.md. */
export const NotifierVariables = NotifierEnv;

export type NotifierConfig = BaseConfig & {
  /** Without it nothing is posted: outcomes' chat sources are checked against it. */
  sourceSigningKey: string | undefined;
  slackUrlPrefix: string;
  feishu: FeishuApiSettings;
};

export function loadNotifierConfig(env: Env = process.env): NotifierConfig {
  const e: z.output<z.ZodMiniObject<typeof NotifierEnv>> = parseEnv(NotifierEnv, env);
  return {
    sourceSigningKey: e.CHATOPS_SOURCE_SIGNING_KEY,
    slackUrlPrefix: e.SLACK_RESPONSE_URL_PREFIX,
    feishu: feishuApiFrom(e),
    logLevel: e.VPCEP_APPROVAL_LOG_LEVEL,
    notices: [],
    secrets: chatSecrets(e),
  };
}
