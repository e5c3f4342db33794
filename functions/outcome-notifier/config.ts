/** The outcome notifier's settings: where Slack answers may go, and the Feishu/Lark app that posts back. */
import * as z from 'zod/mini';
import {
  DingtalkApiEnv,
  type DingtalkApiSettings,
  DingtalkSessionEnv,
  dingtalkApiFrom,
  WecomApiEnv,
  type WecomApiSettings,
  wecomApiFrom,
} from '../../lib/chatops/china-config.ts';
import {
  chatSecrets,
  FeishuApiEnv,
  type FeishuApiSettings,
  feishuApiFrom,
  SlackResponseEnv,
  SourceKeyEnv,
} from '../../lib/chatops/config.ts';
import { LedgerEnv, LogEnv, parseEnv } from '../../lib/config.ts';
import { type CloseConfig, CloseVariables, loadCloseConfig } from '../../lib/requests/config.ts';
import type { Env } from '../../lib/secrets.ts';
import type { BaseConfig } from '../commons/wiring.ts';

const NotifierEnv = {
  ...LogEnv,
  ...SourceKeyEnv,
  ...SlackResponseEnv,
  ...FeishuApiEnv,
  ...DingtalkApiEnv,
  ...DingtalkSessionEnv,
  ...WecomApiEnv,
  // Optional here: without the ledger, approval requests are not closed (a notice says so).
  LEDGER_TABLE_NAME: z.optional(LedgerEnv.LEDGER_TABLE_NAME),
};

/** Every variable this function reads: its SSM parameters and its part of docs/configuration.md. */
export const NotifierVariables = { ...NotifierEnv, ...CloseVariables };

export type NotifierConfig = BaseConfig & {
  /** Without it nothing is posted: outcomes' chat sources are checked against it. */
  sourceSigningKey: string | undefined;
  slackUrlPrefix: string;
  feishu: FeishuApiSettings;
  dingtalk: DingtalkApiSettings;
  wecom: WecomApiSettings;
  /** Where a typed DingTalk command's sessionWebhook may point (lib/chatops/china-config.ts). */
  dingtalkSessionPrefix: string;
  /** The ledger holding the approval requests to close; undefined closes none. */
  ledgerTableName: string | undefined;
  close: CloseConfig;
};

export function loadNotifierConfig(env: Env = process.env): NotifierConfig {
  const e: z.output<z.ZodMiniObject<typeof NotifierEnv>> = parseEnv(NotifierEnv, env);
  const close = loadCloseConfig(env);
  return {
    sourceSigningKey: e.CHATOPS_SOURCE_SIGNING_KEY,
    slackUrlPrefix: e.SLACK_RESPONSE_URL_PREFIX,
    feishu: feishuApiFrom(e),
    dingtalk: dingtalkApiFrom(e),
    wecom: wecomApiFrom(e),
    dingtalkSessionPrefix: e.DINGTALK_SESSION_WEBHOOK_PREFIX,
    ledgerTableName: e.LEDGER_TABLE_NAME,
    close,
    logLevel: e.VPCEP_APPROVAL_LOG_LEVEL,
    notices:
      e.LEDGER_TABLE_NAME === undefined
        ? ['LEDGER_TABLE_NAME is unset: approval requests are not closed when their connection is decided']
        : [],
    secrets: [...chatSecrets(e), ...close.secrets],
  };
}
