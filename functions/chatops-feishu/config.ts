/** The Feishu/Lark event function's settings: its app's keys and who may decide, Huawei Cloud, the queue. */

import * as z from 'zod/mini';
import {
  chatSecrets,
  type FeishuEventConfig,
  FeishuEventEnv,
  feishuEventFrom,
} from '../../lib/chatops/config.ts';
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
import type { BaseConfig } from '../commons/wiring.ts';

const FeishuEnv = {
  ...DecisionEnv,
  ...QueueEnv,
  ...FeishuEventEnv,
  ...LedgerEnv,
  [RULES_VARIABLE]: z.optional(z.string()),
};

export type FeishuConfig = BaseConfig &
  ReturnType<typeof decisionConfigFrom> &
  FeishuEventConfig & { queueUrl: string; ledgerTableName: string; rules: Rules };

export function loadFeishuConfig(env: Env = process.env): FeishuConfig {
  const e = parseEnv(FeishuEnv, env);
  const core = decisionConfigFrom(e);
  return {
    ...core,
    ...feishuEventFrom(e),
    queueUrl: e.DECISION_QUEUE_URL,
    ledgerTableName: e.LEDGER_TABLE_NAME,
    rules: parseRules(e[RULES_VARIABLE]),
    logLevel: e.VPCEP_APPROVAL_LOG_LEVEL,
    secrets: [...secretValues(core.huawei.credentials), ...chatSecrets(e)],
  };
}
