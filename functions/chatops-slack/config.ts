/** The Slack command function's settings: its signing secret and who may decide, Huawei Cloud, the queue. */

import * as z from 'zod/mini';
import {
  chatSecrets,
  type SlackCommandConfig,
  SlackCommandEnv,
  slackCommandFrom,
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

const SlackEnv = {
  ...DecisionEnv,
  ...QueueEnv,
  ...SlackCommandEnv,
  ...LedgerEnv,
  [RULES_VARIABLE]: z.optional(z.string()),
};

export type SlackConfig = BaseConfig &
  ReturnType<typeof decisionConfigFrom> &
  SlackCommandConfig & { queueUrl: string; ledgerTableName: string; rules: Rules };

export function loadSlackConfig(env: Env = process.env): SlackConfig {
  const e = parseEnv(SlackEnv, env);
  const core = decisionConfigFrom(e);
  return {
    ...core,
    ...slackCommandFrom(e),
    queueUrl: e.DECISION_QUEUE_URL,
    ledgerTableName: e.LEDGER_TABLE_NAME,
    rules: parseRules(e[RULES_VARIABLE]),
    logLevel: e.VPCEP_APPROVAL_LOG_LEVEL,
    secrets: [...secretValues(core.huawei.credentials), ...chatSecrets(e)],
  };
}
