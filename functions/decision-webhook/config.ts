/** The decision webhook's settings: Huawei Cloud and policy (for `?wait=true`), its secrets, the queue, the topic. */
import type { WebhookAuthConfig } from '../../lib/auth/webhook.ts';
import { loadWebhookSecrets, WebhookSecretEnv } from '../../lib/auth/webhook-secrets.ts';
import {
  DecisionEnv,
  decisionConfigFrom,
  LedgerEnv,
  parseEnv,
  QueueEnv,
  secretValues,
  TopicEnv,
} from '../../lib/config.ts';
import type { Rules } from '../../lib/rules/rules.ts';
import type { LoopSettings } from '../../lib/runner.ts';
import type { Env } from '../../lib/secrets.ts';
import { LoopEnv, loopFrom, rulesFrom } from '../commons/loop.ts';
import type { BaseConfig } from '../commons/wiring.ts';

const WebhookEnv = { ...DecisionEnv, ...QueueEnv, ...TopicEnv, ...LedgerEnv, ...LoopEnv };

/** Every variable this function reads: its SSM parameters and its part of docs/configuration.md. */
export const WebhookVariables = { ...WebhookEnv, ...WebhookSecretEnv };

export type WebhookConfig = BaseConfig &
  ReturnType<typeof decisionConfigFrom> & {
    auth: WebhookAuthConfig;
    queueUrl: string;
    topicArn: string;
    ledgerTableName: string;
    loop: LoopSettings;
    rules: Rules;
  };

export function loadWebhookConfig(env: Env = process.env): WebhookConfig {
  const e = parseEnv(WebhookEnv, env);
  const core = decisionConfigFrom(e);
  // WEBHOOK_SIGNING_SECRET, WEBHOOK_HUB_SECRET, WEBHOOK_BEARER_TOKEN and their `_PREVIOUS`.
  const webhook = loadWebhookSecrets(env);
  return {
    ...core,
    auth: webhook.auth,
    queueUrl: e.DECISION_QUEUE_URL,
    topicArn: e.OUTCOME_TOPIC_ARN,
    ledgerTableName: e.LEDGER_TABLE_NAME,
    loop: loopFrom(e),
    rules: rulesFrom(e),
    logLevel: e.VPCEP_APPROVAL_LOG_LEVEL,
    secrets: [...secretValues(core.huawei.credentials), ...webhook.values],
  };
}
