/** The Slack command function's settings: its signing secret and who may decide, Huawei Cloud, the queue. */

import {
  chatSecrets,
  type SlackCommandConfig,
  SlackCommandEnv,
  slackCommandFrom,
} from '../../lib/chatops/config.ts';
import { DecisionEnv, decisionConfigFrom, parseEnv, QueueEnv, secretValues } from '../../lib/config.ts';
import type { Env } from '../../lib/secrets.ts';
import type { BaseConfig } from '../commons/wiring.ts';

const SlackEnv = { ...DecisionEnv, ...QueueEnv, ...SlackCommandEnv };

export type SlackConfig = BaseConfig &
  ReturnType<typeof decisionConfigFrom> &
  SlackCommandConfig & { queueUrl: string };

export function loadSlackConfig(env: Env = process.env): SlackConfig {
  const e = parseEnv(SlackEnv, env);
  const core = decisionConfigFrom(e);
  return {
    ...core,
    ...slackCommandFrom(e),
    queueUrl: e.DECISION_QUEUE_URL,
    logLevel: e.VPCEP_APPROVAL_LOG_LEVEL,
    secrets: [...secretValues(core.huawei.credentials), ...chatSecrets(e)],
  };
}
