/** The decision webhook's settings: Huawei Cloud and policy (for `?wait=true`), its secrets, the queue, the topic. */

import * as z from 'zod/mini';
import {
  DecisionEnv,
  decisionConfigFrom,
  parseEnv,
  QueueEnv,
  secretValues,
  TopicEnv,
} from '../../lib/config.ts';
import { ConfigError } from '../../lib/errors.ts';
import type { Env } from '../../lib/secrets.ts';
import { decodeSigningSecret, type WebhookAuthConfig } from '../../lib/webhook/authenticate.ts';
import type { BaseConfig } from '../commons/wiring.ts';

const WebhookEnv = {
  ...DecisionEnv,
  ...QueueEnv,
  ...TopicEnv,
  WEBHOOK_SIGNING_SECRET: z.optional(z.string()),
  WEBHOOK_HUB_SECRET: z.optional(z.string()),
  WEBHOOK_BEARER_TOKEN: z.optional(z.string()),
};

export type WebhookConfig = BaseConfig &
  ReturnType<typeof decisionConfigFrom> & { auth: WebhookAuthConfig; queueUrl: string; topicArn: string };

export function loadWebhookConfig(env: Env = process.env): WebhookConfig {
  const e = parseEnv(WebhookEnv, env);
  const core = decisionConfigFrom(e);
  const signingSecrets = list(e.WEBHOOK_SIGNING_SECRET);
  const hubSecrets = list(e.WEBHOOK_HUB_SECRET);
  const bearerTokens = list(e.WEBHOOK_BEARER_TOKEN);
  const signingKeys = signingSecrets.map((secret) => {
    const key = decodeSigningSecret(secret);
    if (key === undefined)
      throw new ConfigError('WEBHOOK_SIGNING_SECRET', 'must be whsec_<base64 of at least 16 bytes>');
    return key;
  });
  return {
    ...core,
    auth: { signingKeys, hubSecrets, bearerTokens },
    queueUrl: e.DECISION_QUEUE_URL,
    topicArn: e.OUTCOME_TOPIC_ARN,
    logLevel: e.VPCEP_APPROVAL_LOG_LEVEL,
    secrets: [...secretValues(core.huawei.credentials), ...signingSecrets, ...hubSecrets, ...bearerTokens],
  };
}

/** Several values (for rotation) are separated by spaces or commas. */
function list(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter((v) => v !== '');
}
