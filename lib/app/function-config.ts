/**
 * Configuration of the functions: the core configuration plus the webhook secrets, the queue and the
 * topic. Parsed once per container, after the SSM secrets (if any) are laid over the environment.
 */
import * as z from 'zod/mini';
import type { WebhookAuthConfig } from '../auth/webhook.ts';
import { loadWebhookSecrets } from '../auth/webhook-secrets.ts';
import { type ChatConfig, chatSecrets, loadChatConfig } from '../chatops/config.ts';
import { type Config, configErrorFrom, loadConfig, presentValues, secretValues } from '../config.ts';
import { ConfigError } from '../errors.ts';

export type FunctionConfig = {
  core: Config;
  auth: WebhookAuthConfig;
  /** Undefined where a function does not need it; each function checks what it uses. */
  queueUrl: string | undefined;
  topicArn: string | undefined;
  maxReceiveCount: number;
  service: string;
  chat: ChatConfig;
  /** Every secret value configured, for the logger to cut out of any line. */
  secrets: string[];
};

const FunctionEnvSchema = z.object({
  DECISION_QUEUE_URL: z.optional(z.url()),
  OUTCOME_TOPIC_ARN: z.optional(
    z.string().check(z.regex(/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w.-]+$/, 'must be an SNS topic ARN')),
  ),
  DECISION_MAX_RECEIVE_COUNT: z._default(
    z.coerce.number().check(z.refine(Number.isInteger, 'must be a whole number'), z.gte(1), z.lte(1000)),
    5,
  ),
  AWS_LAMBDA_FUNCTION_NAME: z._default(z.string(), 'local'),
});

export function loadFunctionConfig(env: Record<string, string | undefined>): FunctionConfig {
  const core = loadConfig(env);
  const present = presentValues(env);
  const parsed = FunctionEnvSchema.safeParse(present);
  if (!parsed.success) throw configErrorFrom(parsed.error);
  const webhook = loadWebhookSecrets(env);
  return {
    core,
    auth: webhook.auth,
    queueUrl: parsed.data.DECISION_QUEUE_URL,
    topicArn: parsed.data.OUTCOME_TOPIC_ARN,
    maxReceiveCount: parsed.data.DECISION_MAX_RECEIVE_COUNT,
    service: parsed.data.AWS_LAMBDA_FUNCTION_NAME,
    chat: loadChatConfig(present),
    secrets: [...secretValues(core.huawei.credentials), ...webhook.values, ...chatSecrets(present)],
  };
}

/** The value, or a ConfigError naming the variable a function needs. */
export function required<T>(value: T | undefined, variable: string): T {
  if (value === undefined) throw new ConfigError(variable, 'required by this function');
  return value;
}
