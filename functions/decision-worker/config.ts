/** The decision worker's settings: Huawei Cloud and policy, the topic, and the queue's redrive count. */
import {
  DecisionEnv,
  decisionConfigFrom,
  intSetting,
  LedgerEnv,
  parseEnv,
  secretValues,
  TopicEnv,
} from '../../lib/config.ts';
import type { Rules } from '../../lib/rules/rules.ts';
import type { LoopSettings } from '../../lib/runner.ts';
import type { Env } from '../../lib/secrets.ts';
import { LoopEnv, loopFrom, rulesFrom } from '../commons/loop.ts';
import type { BaseConfig } from '../commons/wiring.ts';

const WorkerEnv = {
  ...DecisionEnv,
  ...TopicEnv,
  ...LedgerEnv,
  ...LoopEnv,
  /** The queue's redrive maxReceiveCount: the receive on which a still-failing record is final. */
  DECISION_MAX_RECEIVE_COUNT: intSetting(5, 1, 1000),
};

/** Every variable this function reads: its SSM parameters and its part of docs/configuration.md. */
export const WorkerVariables = WorkerEnv;

export type WorkerConfig = BaseConfig &
  ReturnType<typeof decisionConfigFrom> & {
    topicArn: string;
    maxReceiveCount: number;
    ledgerTableName: string;
    loop: LoopSettings;
    rules: Rules;
  };

export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const e = parseEnv(WorkerEnv, env);
  const core = decisionConfigFrom(e);
  return {
    ...core,
    topicArn: e.OUTCOME_TOPIC_ARN,
    maxReceiveCount: e.DECISION_MAX_RECEIVE_COUNT,
    ledgerTableName: e.LEDGER_TABLE_NAME,
    loop: loopFrom(e),
    rules: rulesFrom(e),
    logLevel: e.VPCEP_APPROVAL_LOG_LEVEL,
    secrets: secretValues(core.huawei.credentials),
  };
}
