/**
 * What the Slack and Feishu functions' settings have in common: Huawei Cloud and policy, the queue,
 * the ledger and the rules document (for two-person approval). Each function adds its platform's own.
 */
import * as z from 'zod/mini';
import { chatSecrets } from '../../lib/chatops/config.ts';
import {
  DecisionEnv,
  decisionConfigFrom,
  LedgerEnv,
  parseEnv,
  QueueEnv,
  secretValues,
} from '../../lib/config.ts';
import { parseRules, RULES_VARIABLE, type Rules } from '../../lib/rules/schema.ts';
import type { Env } from '../../lib/secrets.ts';
import type { BaseConfig } from './wiring.ts';

export const ChatFunctionEnv = {
  ...DecisionEnv,
  ...QueueEnv,
  ...LedgerEnv,
  [RULES_VARIABLE]: z.optional(z.string()),
};

export type ChatFunctionConfig = BaseConfig &
  ReturnType<typeof decisionConfigFrom> & { queueUrl: string; ledgerTableName: string; rules: Rules };

/** The common settings plus the platform's (`platformEnv`, read by `platformFrom`). */
export function loadChatFunctionConfig<S extends z.core.$ZodLooseShape, P>(
  env: Env,
  platformEnv: S,
  platformFrom: (e: z.output<z.ZodMiniObject<S>>) => P,
): ChatFunctionConfig & P {
  const e = parseEnv(ChatFunctionEnv, env);
  const platform = parseEnv(platformEnv, env);
  const core = decisionConfigFrom(e);
  return {
    ...core,
    ...platformFrom(platform),
    queueUrl: e.DECISION_QUEUE_URL,
    ledgerTableName: e.LEDGER_TABLE_NAME,
    rules: parseRules(e[RULES_VARIABLE]),
    logLevel: e.VPCEP_APPROVAL_LOG_LEVEL,
    secrets: [...secretValues(core.huawei.credentials), ...chatSecrets(platform)],
  };
}
